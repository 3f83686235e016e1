package io.ipvsproxier.proxier.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminClientTest {
    @TempDir
    Path dir;

    @Test
    void parsesReplies() throws IOException {
        assertThat(AdminClient.parse("OK\nline 1\nline 2\n")).isEqualTo(new AdminClient.Reply(true, "line 1\nline 2\n"));
        assertThat(AdminClient.parse("OK\n")).isEqualTo(new AdminClient.Reply(true, ""));
        assertThat(AdminClient.parse("ERR busy\n")).isEqualTo(new AdminClient.Reply(false, "busy"));
        assertThat(AdminClient.parse("ERR no such Service\ndetail\n")).isEqualTo(new AdminClient.Reply(false, "no such Service\ndetail\n"));
        assertThatThrownBy(() -> AdminClient.parse("")).isInstanceOf(IOException.class).hasMessageContaining("without a reply");
        assertThatThrownBy(() -> AdminClient.parse("HTTP/1.1 200 OK\n")).isInstanceOf(IOException.class).hasMessageContaining("not an admin reply");
    }

    @Test
    void aMissingSocketIsAnIoError() {
        assertThatThrownBy(() -> AdminClient.send(dir.resolve("none.sock"), "status", Duration.ofSeconds(2)))
            .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> AdminClient.send(dir.resolve("none.sock"), "status\nsync", Duration.ofSeconds(2)))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
