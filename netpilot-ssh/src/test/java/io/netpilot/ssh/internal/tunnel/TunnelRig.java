package io.netpilot.ssh.internal.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.Forward;
import io.netpilot.core.PortLease;
import io.netpilot.core.PortRange;
import io.netpilot.core.RouterId;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.LaunchPlan;
import io.netpilot.core.spi.ProbeResult;
import io.netpilot.ssh.tunnel.ClientKind;
import io.netpilot.testkit.Binaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * A router (this machine, in dash or in a busybox userland), a private OpenSSH relay and the agent's
 * plumbing, wired as the orchestration would: allocate, authorize, launch, probe. Not thread-safe.
 */
final class TunnelRig implements AutoCloseable {
    enum RouterShell { DASH, BUSYBOX }

    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    final String marker = UUID.randomUUID().toString();
    final PrivateSshd sshd;
    final LocalShell router;
    final LocalShell relay;
    final Path workDir;
    final RouterId routerId = RouterId.of(new SshAddress("root", "router-" + marker, 22));
    final RelayPortAllocator allocator = new RelayPortAllocator();
    final OpenSshRelayGateway gateway = new OpenSshRelayGateway();
    final BannerProbe probe = new BannerProbe(System::nanoTime);

    TunnelRig(Path dir, RouterShell shell) throws IOException, InterruptedException {
        this.sshd = PrivateSshd.start(dir.resolve("relay"));
        this.workDir = Files.createDirectories(dir.resolve("router-work"));
        Path home = Files.createDirectories(dir.resolve("router-home"));
        String path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
        if (shell == RouterShell.BUSYBOX) {
            Path busybox = Binaries.require("busybox");
            Path bin = Files.createDirectories(dir.resolve("busybox-bin"));
            Process p = new ProcessBuilder(busybox.toString(), "--install", "-s", bin.toString()).inheritIO().start();
            assertThat(p.waitFor()).isZero();
            // busybox applets first, as on OpenWrt; the SSH clients come from the system dirs after them.
            path = bin + ":" + path;
        }
        this.router = new LocalShell(List.of("sh"), LocalShell.env("HOME", home.toString(), "NETPILOT_WORK_DIR", workDir.toString(), "PATH", path),
                "", marker);
        this.relay = new LocalShell(List.of("/bin/sh"), LocalShell.env("HOME", dir.resolve("relay-home").toString(),
                "NETPILOT_AUTHORIZED_KEYS", sshd.authorizedKeys.toString(), "NETPILOT_RELAY_DIR", sshd.relayDir.toString()),
                sshd.hostKey, marker);
    }

    /** Allocates, authorizes and launches; returns once the relay port carries the router's banner. */
    Tunnel connect(ShTunnelLauncher launcher, Duration ttl) {
        String key = launcher.ensureRouterKey(router);
        PortLease lease = allocator.allocate(relay, routerId, new PortRange(41000, 41999), OptionalInt.empty(), Set.of());
        CleanupToken token = CleanupToken.generate(routerId, lease.port(), new Random());
        gateway.authorize(relay, key, token);
        LaunchPlan plan = new LaunchPlan(token, new Forward(lease.port(), sshd.port),
                new SshAddress(System.getProperty("user.name"), "127.0.0.1", sshd.port), sshd.hostKey, ttl);
        int pid = launcher.launch(router, plan);
        Tunnel tunnel = new Tunnel(token, lease.port(), pid);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(probe.probe(relay, tunnel.port(), PROBE_TIMEOUT)).isInstanceOf(ProbeResult.Reached.class));
        return tunnel;
    }

    record Tunnel(CleanupToken token, int port, int pid) {}

    static ShTunnelLauncher launcher(ClientKind kind) {
        switch (kind) {
            case AUTOSSH -> {
                Binaries.require("autossh");
                Binaries.require("ssh");
            }
            case SSH -> Binaries.require("ssh");
            case DBCLIENT -> {
                Binaries.require("dbclient");
                Binaries.require("dropbearconvert");
            }
            case AUTO -> { }
        }
        Binaries.require("ssh-keygen");
        return new ShTunnelLauncher(kind);
    }

    /** The router's processes (this rig's marker) whose command line names {@code token}. */
    List<String> routerProcesses(CleanupToken token) {
        return LocalShell.marked(marker).stream()
                .map(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse(""))
                .filter(cmd -> cmd.contains(token.value()))
                .toList();
    }

    Path file(CleanupToken token, String suffix) {
        return workDir.resolve(token.value() + suffix);
    }

    @Override
    public void close() {
        LocalShell.killMarked(marker);
        sshd.close();
    }
}
