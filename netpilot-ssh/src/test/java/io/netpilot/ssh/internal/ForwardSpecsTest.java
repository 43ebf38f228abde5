package io.netpilot.ssh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.core.RemoteProcess;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ForwardSpecsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ssh -R 40001:127.0.0.1:22 t@relay                         | 40001",
            "ssh -R 127.0.0.1:40001:127.0.0.1:22 t@relay               | 40001",
            "ssh -R *:40001:localhost:22 t@relay                       | 40001",
            "ssh -R localhost:40001:localhost:22 t@relay               | 40001",
            "ssh -R [::1]:40001:[::1]:22 t@relay                       | 40001",
            "ssh -R40001:127.0.0.1:22 t@relay                          | 40001",
            "ssh -fNTR 40001:127.0.0.1:22 t@relay                      | 40001",
            "ssh -NR127.0.0.1:40001:127.0.0.1:22 t@relay               | 40001",
            "/usr/lib/autossh/autossh -M 0 -R 40001:127.0.0.1:22 t@r   | 40001",
            "dbclient -y -K 10 -R 127.0.0.1:40001:127.0.0.1:22 t@relay | 40001",
            "ssh -R 40001 t@relay                                      | 40001",
            "ssh -R 40001:/var/run/sock t@relay                        | 40001",
            "ssh -o ConnectTimeout=5 -R :40001:h:22 t@relay            | 40001",
    })
    void everyFormOfMinusRIsRead(String commandLine, int port) {
        assertThat(ForwardSpecs.remotePorts(commandLine.strip())).containsExactly(port);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ssh -L 40001:127.0.0.1:22 t@relay",
            "ssh -p 40001 t@relay",
            "ssh -o R=40001:1:2 t@relay",
            "grep -r 40001:x file",
            "ssh -i -R40001:h:22 t@relay",
            "ssh -R 400011:h:22 t@relay",
            "sleep 1000",
    })
    void otherOptionsAndLookalikesAreNot(String commandLine) {
        assertThat(ForwardSpecs.remotePorts(commandLine.strip())).isEmpty();
    }

    @Test
    void byForwardPortAddsDescendantsAndTheAutosshParent() {
        List<RemoteProcess> all = List.of(
                new RemoteProcess(1, 0, "root", "/sbin/init"),
                new RemoteProcess(10, 1, "root", "/usr/lib/autossh/autossh -M 0 -N -T t@relay"),
                new RemoteProcess(11, 10, "root", "/usr/bin/ssh -N -T -R 127.0.0.1:40001:127.0.0.1:22 t@relay"),
                new RemoteProcess(12, 11, "root", "child of ssh"),
                new RemoteProcess(20, 1, "root", "sh -c x"),
                new RemoteProcess(21, 20, "root", "ssh -R 40002:127.0.0.1:22 t@relay"));
        assertThat(SshRemoteProcessController.byForwardPort(all, 40001)).extracting(RemoteProcess::pid).containsExactly(10, 11, 12);
        // A non-autossh parent is not taken along.
        assertThat(SshRemoteProcessController.byForwardPort(all, 40002)).extracting(RemoteProcess::pid).containsExactly(21);
        assertThat(SshRemoteProcessController.byForwardPort(all, 40003)).isEmpty();
    }
}
