package io.ipvsproxier.ipvsctl;

import java.util.Comparator;
import java.util.List;

/**
 * The merge sort behind glibc's qsort (stdlib/msort.c): top-down, left half {@code n/2}, ties and
 * "less or equal" taken from the left. ipvsadm's comparators subtract unsigned 32-bit values into an int,
 * so they are not a total order (10.0.0.0 sorts after 200.0.0.0 but before 100.0.0.0); only the very same
 * algorithm puts entries in the same order, and {@link java.util.List#sort} may even reject such a comparator.
 */
final class GlibcSort {
    private GlibcSort() {}

    static <T> void sort(List<T> list, Comparator<? super T> cmp) {
        @SuppressWarnings("unchecked")
        T[] a = (T[]) list.toArray();
        sort(a, cmp);
        for (int i = 0; i < a.length; i++) {
            list.set(i, a[i]);
        }
    }

    static <T> void sort(T[] a, Comparator<? super T> cmp) {
        if (a.length <= 1) {
            return;
        }
        Object[] tmp = new Object[a.length];
        msort(a, 0, a.length, tmp, cmp);
    }

    @SuppressWarnings("unchecked")
    private static <T> void msort(T[] b, int from, int n, Object[] tmp, Comparator<? super T> cmp) {
        if (n <= 1) {
            return;
        }
        int n1 = n / 2;
        int n2 = n - n1;
        msort(b, from, n1, tmp, cmp);
        msort(b, from + n1, n2, tmp, cmp);
        int i = from;
        int j = from + n1;
        int t = 0;
        while (n1 > 0 && n2 > 0) {
            if (cmp.compare(b[i], b[j]) <= 0) {
                tmp[t++] = b[i++];
                n1--;
            } else {
                tmp[t++] = b[j++];
                n2--;
            }
        }
        while (n1 > 0) {
            tmp[t++] = b[i++];
            n1--;
        }
        // what is left of the right half is already in place
        for (int k = 0; k < t; k++) {
            b[from + k] = (T) tmp[k];
        }
    }
}
