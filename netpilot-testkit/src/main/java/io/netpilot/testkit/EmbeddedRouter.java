package io.netpilot.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A router on this machine: an SSH server on {@code 127.0.0.1} (Apache MINA SSHD) whose commands run
 * in a real shell as the current user, with the router's {@code HOME} and work dir under a private
 * directory. The {@link Flavour#BUSYBOX} flavour puts busybox applets first on {@code PATH}, so
 * {@code ps} is busybox's (no PPID column), as on OpenWrt.
 *
 * <p>Commands get {@code HOME=}{@link #home()}, {@code PATH}, {@code NETPILOT_WORK_DIR=}{@link
 * #workDir()}, their stdin from the channel (so {@code cat > file} uploads a file), and their exit
 * code goes back to the client. Every process started through the router, detached or not, is
 * tracked: {@link #reboot()} and {@link #close()} end them all.
 *
 * <p>Thread-safe.
 */
public final class EmbeddedRouter extends EmbeddedSshServer {
    /** Which userland the router's commands see. */
    public enum Flavour {
        /** {@code /bin/sh} and the machine's own tools: procps {@code ps -eo ...} works. */
        PROCPS,
        /** {@code busybox sh}, with busybox applets first on {@code PATH}: {@code ps} prints {@code PID USER VSZ STAT COMMAND}. */
        BUSYBOX
    }

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRouter.class);
    /** Real binaries a router needs that busybox may not provide as applets. */
    private static final List<String> TOOLS = List.of("ssh", "autossh", "dbclient", "dropbearkey", "ssh-keygen", "setsid", "nohup");
    private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Flavour flavour;
    private final Path dir;
    private final Path workDir;
    private final Path home;
    private final String path;
    private final Optional<Path> busybox;
    private final List<PublicKey> authorizedKeys = new CopyOnWriteArrayList<>();
    private volatile Optional<String> password = Optional.empty();

    private EmbeddedRouter(Flavour flavour, Path dir) {
        super("router");
        this.flavour = Objects.requireNonNull(flavour, "flavour");
        this.dir = Dirs.create(Objects.requireNonNull(dir, "dir").toAbsolutePath());
        this.workDir = Dirs.create(this.dir.resolve("tmp-netpilot"));
        this.home = Dirs.create(this.dir.resolve("home"));
        Dirs.create(home.resolve(".ssh"));
        if (flavour == Flavour.BUSYBOX) {
            Path bb = SystemBinaries.find("busybox").orElseThrow(() -> new IllegalStateException(
                    "a BUSYBOX router needs busybox: install it (Debian: apt-get install busybox), or use Flavour.PROCPS"));
            this.busybox = Optional.of(bb);
            this.path = makeBusyboxBin(bb, this.dir.resolve("busybox-bin")).toString();
        } else {
            this.busybox = Optional.empty();
            this.path = SYSTEM_PATH;
        }
        server.setPublickeyAuthenticator((username, key, session) ->
                user.equals(username) && authorizedKeys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
        server.setPasswordAuthenticator((username, given, session) ->
                user.equals(username) && password.map(p -> p.equals(given)).orElse(false));
        server.setCommandFactory((channel, command) -> shell(channel, List.of("-c", command)));
        server.setShellFactory(channel -> shell(channel, List.of()));
    }

    /**
     * Starts a router whose files live under {@code dir} (its private temp root; created if absent).
     *
     * @throws IllegalStateException for {@link Flavour#BUSYBOX} without busybox installed (tests call
     *     {@link Binaries#require} first to skip instead; {@link RouterExtension} does)
     * @throws UncheckedIOException when the server cannot start
     */
    public static EmbeddedRouter start(Flavour flavour, Path dir) {
        EmbeddedRouter router = new EmbeddedRouter(flavour, dir);
        router.startServer();
        LOG.info("embedded {} router listening on 127.0.0.1:{} ({})", flavour, router.port(), router.tracker.instanceId());
        return router;
    }

    /** Stands in for the router's {@code /tmp/netpilot}; commands see it as {@code $NETPILOT_WORK_DIR}. */
    public Path workDir() {
        return workDir;
    }

    /** The router user's {@code HOME} for commands, with an (initially empty) {@code .ssh} inside. */
    public Path home() {
        return home;
    }

    /** Lets {@code key} log in as {@link #address()}'s user. */
    public void authorize(PublicKey key) {
        authorizedKeys.add(Objects.requireNonNull(key, "key"));
    }

    /**
     * Lets a key given in {@code authorized_keys} form ({@code TYPE BASE64 [COMMENT]}), such as
     * {@code NetPilot.agentPublicKey()}, log in as {@link #address()}'s user.
     *
     * @param publicKeyLine the key line
     * @throws IllegalArgumentException when the line holds no readable public key
     */
    public void authorize(String publicKeyLine) {
        authorize(AuthorizedKeys.publicKey(publicKeyLine));
    }

    /** Lets {@link #address()}'s user log in with {@code password} (password and keyboard-interactive). */
    public void allowPassword(String password) {
        this.password = Optional.of(Objects.requireNonNull(password, "password"));
    }

    /** Which userland the router's commands see. */
    public Flavour flavour() {
        return flavour;
    }

    /**
     * Like a power cycle: drops every SSH session, ends every process started through the router
     * (whole trees, detached ones too: TERM, then KILL) and empties {@link #workDir()} (which is RAM
     * on a real router). The server keeps its port, host key and authorized keys, and accepts new
     * sessions at once.
     *
     * @throws IllegalStateException when a process survived KILL
     */
    public void reboot() {
        for (AbstractSession session : server.getActiveSessions()) {
            session.close(true);
        }
        Set<Long> left = tracker.killAll(grace(), TestTimeouts.scaled(Duration.ofSeconds(5)));
        if (!left.isEmpty()) {
            throw new IllegalStateException("router reboot could not end processes " + left + "; see the log");
        }
        Dirs.empty(workDir);
        LOG.info("embedded router 127.0.0.1:{} rebooted", port());
    }

    @Override
    void closed() {
        if (busybox.isPresent()) {
            Dirs.delete(dir.resolve("busybox-bin")); // links to system binaries; the rest of dir is the caller's
        }
    }

    private ShellCommand shell(ChannelSession channel, List<String> args) {
        List<String> argv = new ArrayList<>();
        if (busybox.isPresent()) {
            argv.add(busybox.get().toString());
            argv.add("sh");
        } else {
            argv.add("/bin/sh");
        }
        argv.addAll(args);
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PATH", path);
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("SHELL", argv.get(0));
        env.put("LANG", "C");
        env.put("NETPILOT_WORK_DIR", workDir.toString());
        env.put(ProcessTracker.MARKER, tracker.instanceId());
        return new ShellCommand(argv, env, home);
    }

    /** A directory of busybox applet links, plus links to the real tools busybox lacks. */
    private static Path makeBusyboxBin(Path busybox, Path bin) {
        Dirs.create(bin);
        try {
            Process list = new ProcessBuilder(busybox.toString(), "--list").redirectErrorStream(true).start();
            String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!list.waitFor(10, TimeUnit.SECONDS) || list.exitValue() != 0) {
                throw new IllegalStateException("'busybox --list' failed: " + out.strip());
            }
            for (String applet : out.split("\\R")) {
                String name = applet.strip();
                if (!name.isEmpty() && !name.contains("/")) {
                    Files.createSymbolicLink(bin.resolve(name), busybox);
                }
            }
            for (String tool : TOOLS) {
                if (!Files.exists(bin.resolve(tool), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Optional<Path> real = SystemBinaries.find(tool);
                    if (real.isPresent()) {
                        Files.createSymbolicLink(bin.resolve(tool), real.get());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the busybox applet directory " + bin + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing busybox applets", e);
        }
        return bin;
    }
}
