package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpilot.ssh.AgentKeys;
import io.netpilot.state.NetPilotHome;
import io.netpilot.testkit.OpenSshRelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netpilot doctor} against live relays set up by {@code docs/relay-setup.md} (two accounts)
 * and by the earlier docs (one account): it names the layout, checks modes, tools and router lines
 * item by item, and fails on a change that weakens the relay.
 */
class RelayDoctorIT {
    @TempDir
    Path dir;

    private Path home(OpenSshRelay relay, String name) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        AgentKeys keys = AgentKeys.loadOrCreate(NetPilotHome.at(home).agentKeyFile());
        relay.authorizeAgent(keys.publicKeyLine());
        try (Stream<Path> files = Files.list(relay.dir)) {
            String pins = files.filter(p -> p.getFileName().toString().matches("host_[a-z0-9]+\\.pub")).map(p -> {
                try {
                    String[] f = Files.readString(p).strip().split(" ");
                    return "[127.0.0.1]:" + relay.port + " " + f[0] + " " + f[1] + "\n";
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.joining());
            Files.writeString(NetPilotHome.at(home).knownHostsFile(), pins);
        }
        return home;
    }

    @Test
    void aRelayWithTwoAccountsPassesAndAWeakenedOneFails() throws Exception {
        try (OpenSshRelay relay = OpenSshRelay.start(dir.resolve("relay"))) {
            Path home = home(relay, "home");
            String[] args = {"--home", home.toString(), "doctor", "--relay", relay.agent + "@127.0.0.1:" + relay.port, "--tunnel-user", relay.tunnel};

            var ok = NetPilotProcess.run(dir, args);
            assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).contains("two accounts: the agent is " + relay.agent + ", routers log in as " + relay.tunnel)
                    .contains("flock present").contains("router_keys is 600").contains("sessions is 711").contains("leases is 700")
                    .contains("0 router key(s) authorized").doesNotContain("FAIL");

            relay.run("chmod 777 " + relay.agentHome + "/.netpilot-relay/sessions");
            var weakened = NetPilotProcess.run(dir, args);
            assertThat(weakened.exitCode()).isEqualTo(1);
            assertThat(weakened.out()).contains("sessions is '777 " + relay.agent + "', want mode 711");
        }
    }

    @Test
    void aRelayWithOneAccountKeepsWorkingAndIsToldWhatToChange() throws Exception {
        try (OpenSshRelay relay = OpenSshRelay.oneAccount(dir.resolve("relay"))) {
            Path home = home(relay, "home");
            var r = NetPilotProcess.run(dir, "--home", home.toString(), "doctor", "--relay", relay.agent + "@127.0.0.1:" + relay.port,
                    "--tunnel-user", relay.tunnel);
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("WARN").contains("one account for the agent and the routers (" + relay.agent + ")")
                    .contains("move to two accounts (docs/relay-setup.md");
        }
    }
}
