package io.ipvsproxier.proxier.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitialListFilterTest {
    private static Service service(String name, String version) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).withResourceVersion(version)
            .endMetadata().build();
    }

    @Test
    void coversEachListedObjectOnceAndByIdentity() {
        InitialListFilter filter = new InitialListFilter();
        Service a = service("a", "1");
        Service b = service("b", "2");
        assertThat(filter.covers(a)).as("nothing remembered yet").isFalse();

        filter.remember(List.of(a, b));
        assertThat(filter.covers(service("a", "1"))).as("an equal but newer-delivered object is a change").isFalse();
        assertThat(filter.covers(a)).isTrue();
        assertThat(filter.covers(a)).as("a second ADD of the same object is a change").isFalse();
        assertThat(filter.size()).isEqualTo(1);

        filter.forget();
        assertThat(filter.covers(b)).as("after the first full sync everything is a change").isFalse();
        assertThat(filter.size()).isZero();
    }
}
