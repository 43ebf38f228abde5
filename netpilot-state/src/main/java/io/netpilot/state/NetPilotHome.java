package io.netpilot.state;

import io.netpilot.core.StateCorruptException;
import io.netpilot.state.internal.AtomicFiles;
import io.netpilot.state.internal.HomeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NetPilot home: the directory that holds the agent's state files, its own key and known hosts,
 * its lock, control socket, logs and configuration. The directory and {@code logs/} are made
 * {@code 0700}; every file written through {@link #writePrivateFile} is {@code 0600}.
 *
 * <p>Which directory: an explicit path (the {@code --home} option), else the environment variable
 * {@value #ENV_VAR}, else {@code ~/.netpilot}.
 *
 * <p>Immutable and thread-safe.
 */
public final class NetPilotHome {
    /** The environment variable that names the home when no explicit path is given. */
    public static final String ENV_VAR = "NETPILOT_HOME";
    /** The home's name under the user's home directory when nothing else names it. */
    public static final String DEFAULT_DIR_NAME = ".netpilot";

    static final Set<PosixFilePermission> DIR_PERMISSIONS = Set.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private static final Logger LOG = LoggerFactory.getLogger(NetPilotHome.class);

    private final Path root;

    private NetPilotHome(Path root) {
        this.root = root;
    }

    /**
     * The home at {@code explicit} when given, else at {@code env}'s {@value #ENV_VAR} when set and not
     * blank, else {@code ~/.netpilot} (from the {@code user.home} system property); created
     * {@code 0700} with its {@code logs/} directory when missing.
     *
     * @param explicit a path the user named, such as {@code --home DIR}
     * @param env the environment to read {@value #ENV_VAR} from (pass {@code System.getenv()})
     * @throws StateCorruptException when the directory cannot be created or is not a directory
     */
    public static NetPilotHome resolve(Optional<Path> explicit, Map<String, String> env) {
        Objects.requireNonNull(explicit, "explicit");
        Objects.requireNonNull(env, "env");
        return resolve(explicit, env, Path.of(System.getProperty("user.home")));
    }

    /** {@link #resolve(Optional, Map)} with the user's home directory given (for tests). */
    static NetPilotHome resolve(Optional<Path> explicit, Map<String, String> env, Path userHome) {
        return at(resolvePath(explicit, env, userHome));
    }

    /**
     * Where {@link #resolve(Optional, Map)} puts the home, without creating anything: for commands
     * that must leave the disk untouched (bad input, status with no state).
     */
    public static Path resolvePath(Optional<Path> explicit, Map<String, String> env) {
        Objects.requireNonNull(explicit, "explicit");
        Objects.requireNonNull(env, "env");
        return resolvePath(explicit, env, Path.of(System.getProperty("user.home")));
    }

    private static Path resolvePath(Optional<Path> explicit, Map<String, String> env, Path userHome) {
        return explicit.or(() -> Optional.ofNullable(env.get(ENV_VAR)).filter(v -> !v.isBlank()).map(Path::of))
                .orElseGet(() -> userHome.resolve(DEFAULT_DIR_NAME))
                .toAbsolutePath().normalize();
    }

    /**
     * The home in {@code dir}, created {@code 0700} with its {@code logs/} directory when missing.
     * An existing home that others may read is tightened to {@code 0700}, with a warning.
     *
     * @throws StateCorruptException when the directory cannot be created or is not a directory
     */
    public static NetPilotHome at(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        HomeChecks.requireOwnHome(root);
        try {
            ensurePrivateDirectory(root, true);
            HomeChecks.requireNoLinks(root);
            ensurePrivateDirectory(root.resolve("logs"), false);
        } catch (IOException e) {
            throw new StateCorruptException("cannot create the NetPilot home " + root + " (" + e
                    + "); check that its parent exists and is writable, or choose another with --home or " + ENV_VAR, e);
        }
        return new NetPilotHome(root);
    }

    /**
     * The bytes of {@code file} (a file of a NetPilot home, such as {@code config.json}), read without
     * following a symbolic link and only when it is a regular file of at most 4 MiB; empty when it does
     * not exist. Creates and changes nothing.
     *
     * @throws StateCorruptException when it is a link, not a regular file, too large or unreadable
     */
    public static Optional<byte[]> readFile(Path file) {
        try {
            return HomeFiles.read(file);
        } catch (IOException e) {
            throw new StateCorruptException("cannot read " + file + " (" + e.getMessage() + "); it should be a small regular file "
                    + "owned by you: fix or remove it", e);
        }
    }

    /** @param followLinks whether {@code dir} may be a link to a directory (the home itself, not what is inside it) */
    private static void ensurePrivateDirectory(Path dir, boolean followLinks) throws IOException {
        LinkOption[] how = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        if (Files.isDirectory(dir, how)) {
            AtomicFiles.posixPermissions(dir).filter(p -> !p.equals(DIR_PERMISSIONS)).ifPresent(p -> {
                LOG.warn("{} was accessible to others ({}); restricting it to its owner (0700)", dir, p);
                AtomicFiles.setPermissionsQuietly(dir, DIR_PERMISSIONS);
            });
            return;
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " exists and is not a directory");
        }
        Files.createDirectories(dir);
        // createDirectories applies the umask to a permission attribute, so set the mode explicitly.
        AtomicFiles.setPermissionsQuietly(dir, DIR_PERMISSIONS);
    }

    /** The home directory itself (absolute). */
    public Path root() {
        return root;
    }

    /** {@code tunnel-state.json}: the wanted tunnels. */
    public Path tunnelStateFile() {
        return root.resolve("tunnel-state.json");
    }

    /** {@code port-allocations.json}: the relay ports this agent holds. */
    public Path portAllocationsFile() {
        return root.resolve("port-allocations.json");
    }

    /** {@code router-connections.json}: each router's connection history. */
    public Path routerConnectionsFile() {
        return root.resolve("router-connections.json");
    }

    /** {@code known_hosts}: the host keys the agent trusts. */
    public Path knownHostsFile() {
        return root.resolve("known_hosts");
    }

    /** {@code id_ed25519}: the agent's own private key (its public half beside it, {@code .pub}). */
    public Path agentKeyFile() {
        return root.resolve("id_ed25519");
    }

    /** {@code agent.lock}: held by the one running agent, and holding its pid. */
    public Path lockFile() {
        return root.resolve("agent.lock");
    }

    /** {@code agent.sock}: the running agent's local control socket. */
    public Path controlSocket() {
        return root.resolve("agent.sock");
    }

    /** {@code logs/}: the agent's log files. */
    public Path logsDir() {
        return root.resolve("logs");
    }

    /** {@code config.json}: defaults for the relay and routers. */
    public Path configFile() {
        return root.resolve("config.json");
    }

    /**
     * Replaces {@code file} (inside this home) with {@code content} durably and atomically: a temp
     * file in the same directory, fsynced, renamed over the target, and the directory fsynced. The
     * file is {@code 0600}. Readers see the old content or the new, never a mix.
     *
     * @throws IllegalArgumentException when {@code file} is not inside this home
     * @throws StateCorruptException when it cannot be written; the old content is then intact
     */
    public void writePrivateFile(Path file, byte[] content) {
        Path target = file.toAbsolutePath().normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IllegalArgumentException(file + " is not inside the NetPilot home " + root);
        }
        try {
            AtomicFiles.write(target, content);
        } catch (IOException e) {
            throw new StateCorruptException("could not write " + target + " (" + e
                    + "); check free space and permissions in " + root + "; its previous content is intact", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetPilotHome other && other.root.equals(root);
    }

    @Override
    public int hashCode() {
        return root.hashCode();
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
