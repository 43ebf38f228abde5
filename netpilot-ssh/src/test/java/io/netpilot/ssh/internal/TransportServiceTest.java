package io.netpilot.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.RouterClient;
import io.netpilot.core.spi.Transport;
import io.netpilot.core.spi.TransportService;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** netpilot-ssh provides core's TransportService, so the front door finds it with no wiring. */
class TransportServiceTest {
    @TempDir
    Path dir;

    @Test
    void theServiceIsProvidedOnTheModulePathAndOnTheClassPath() throws Exception {
        Module module = SshTransportService.class.getModule();
        if (module.isNamed()) {
            assertThat(module.getDescriptor().provides()).anySatisfy(p -> {
                assertThat(p.service()).isEqualTo(TransportService.class.getName());
                assertThat(p.providers()).containsExactly(SshTransportService.class.getName());
            });
        }
        try (var in = SshTransportService.class.getResourceAsStream("/META-INF/services/" + TransportService.class.getName())) {
            assertThat(in).as("META-INF/services entry for the class path").isNotNull();
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip())
                    .isEqualTo(SshTransportService.class.getName());
        }
    }

    @Test
    void theServiceStartsATransportWithTheAgentsKey() {
        TransportService service = new SshTransportService();
        try (Transport t = service.start(new TransportService.Options(dir.resolve("known_hosts"), dir.resolve("id_ed25519"), RouterClient.DBCLIENT))) {
            assertThat(t.agentPublicKey()).startsWith("ssh-ed25519 ").endsWith(" netpilot-agent");
            assertThat(dir.resolve("id_ed25519")).exists();
            assertThat(t.launcher()).isNotNull();
            assertThat(t.processes()).isInstanceOf(SshRemoteProcessController.class);
        }
    }
}
