package io.ipvsproxier.ipvsctl;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Buffered single-byte text output for listings: characters go into one reused buffer that is written
 * out whenever it fills. A listing of 100,000 lines is never held in memory as a whole, and no large
 * buffer is allocated (inside the kernel lab, touching fresh memory costs more than formatting).
 * Characters above U+00FF do not occur in listings; they would be written as their low byte.
 */
final class AsciiOut {
    private final OutputStream sink;
    private final byte[] buf;
    private int n;
    private long written;

    AsciiOut(OutputStream sink) {
        this(sink, 64 * 1024);
    }

    AsciiOut(OutputStream sink, int bufferSize) {
        this.sink = sink;
        this.buf = new byte[bufferSize];
    }

    AsciiOut append(char c) {
        if (n == buf.length) {
            drain();
        }
        buf[n++] = (byte) c;
        return this;
    }

    AsciiOut append(String s) {
        return append(s, 0, s.length());
    }

    AsciiOut append(CharSequence s, int start, int end) {
        for (int i = start; i < end; i++) {
            if (n == buf.length) {
                drain();
            }
            buf[n++] = (byte) s.charAt(i);
        }
        return this;
    }

    AsciiOut append(int v) {
        return append(Integer.toString(v));
    }

    AsciiOut append(long v) {
        return append(Long.toString(v));
    }

    /** {@code count} spaces. */
    AsciiOut spaces(int count) {
        for (int i = 0; i < count; i++) {
            append(' ');
        }
        return this;
    }

    /** Characters appended so far, written or not. */
    long length() {
        return written + n;
    }

    /** Writes what is buffered and flushes the sink. */
    void flush() {
        drain();
        try {
            sink.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void drain() {
        if (n == 0) {
            return;
        }
        try {
            sink.write(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        written += n;
        n = 0;
    }
}
