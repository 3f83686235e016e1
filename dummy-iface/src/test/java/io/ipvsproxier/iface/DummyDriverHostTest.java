package io.ipvsproxier.iface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.netlink.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Runs on the build machine's own kernel (not in the kernel lab), in its own network namespace, as root.
 * Build machines usually have no dummy driver: then creating the link must fail with the error that names
 * the missing module. Where the kernel does have it, the link must be created and deleted again.
 */
class DummyDriverHostTest {

    @Test
    void createsADummyLinkOrNamesTheMissingModule() {
        String name = "ipvsp" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000000, Integer.MAX_VALUE));
        try (RtnetlinkInterfaces ifaces = RtnetlinkInterfaces.open()) {
            if (dummyDriverAvailable()) {
                Link link = ifaces.ensureDummyLink(name);
                try {
                    assertThat(link.kind()).isEqualTo("dummy");
                    assertThat(ifaces.link(name)).contains(link);
                } finally {
                    ifaces.deleteLink(name);
                }
                assertThat(ifaces.link(name)).isEmpty();
            } else {
                assertThatThrownBy(() -> ifaces.ensureDummyLink(name))
                    .isInstanceOf(InterfaceException.class)
                    .hasMessageStartingWith("cannot create link " + name + ": the kernel has no 'dummy' link type")
                    .hasMessageContaining("modprobe dummy")
                    .hasMessageContaining("CONFIG_DUMMY")
                    .extracting(e -> ((InterfaceException) e).errno()).isEqualTo(Errno.EOPNOTSUPP);
                assertThat(ifaces.link(name)).isEmpty();
            }
        }
    }

    /** Loaded, built in, or loadable as a module of the running kernel. */
    private static boolean dummyDriverAvailable() {
        if (Files.exists(Path.of("/sys/module/dummy"))) {
            return true;
        }
        Path modules = Path.of("/lib/modules", System.getProperty("os.version"));
        return lists(modules.resolve("modules.builtin")) || lists(modules.resolve("modules.dep"));
    }

    private static boolean lists(Path file) {
        try {
            return Files.exists(file) && Files.readString(file).matches("(?s).*(^|/)dummy\\.ko.*");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
