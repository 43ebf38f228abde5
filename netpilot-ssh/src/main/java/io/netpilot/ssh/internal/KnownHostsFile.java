package io.netpilot.ssh.internal;

import io.netpilot.core.SshAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * An OpenSSH {@code known_hosts} file: reads the keys pinned for a host (plain, hashed and pattern
 * entries, as OpenSSH writes them) and appends new pins. Thread-safe: every access to the file goes
 * through one lock per instance; callers share one instance per file.
 */
final class KnownHostsFile {
    private final Path file;

    KnownHostsFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /** How OpenSSH names {@code address} in the file: {@code host}, or {@code [host]:port} off port 22. */
    static String hostPattern(SshAddress address) {
        return address.port() == SshAddress.DEFAULT_PORT ? address.host() : "[" + address.host() + "]:" + address.port();
    }

    /** The keys pinned for {@code address}; markers ({@code @revoked}, {@code @cert-authority}) are not pins. */
    synchronized List<PublicKey> pinnedKeys(SshAddress address) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<PublicKey> keys = new ArrayList<>();
        for (KnownHostEntry entry : KnownHostEntry.readKnownHostEntries(file)) {
            if (entry.getMarker() != null || entry.getKeyEntry() == null) {
                continue;
            }
            if (!entry.isHostMatch(address.host(), address.port())) {
                continue;
            }
            AuthorizedKeyEntry keyEntry = entry.getKeyEntry();
            try {
                PublicKey key = keyEntry.resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.IGNORING);
                if (key != null) {
                    keys.add(key);
                }
            } catch (GeneralSecurityException | IOException | RuntimeException unreadable) {
                // A key type this client cannot decode still pins the host: keep it as a marker.
                keys.add(new UnreadableKey(keyEntry.getKeyType()));
            }
        }
        return keys;
    }

    /**
     * The keys marked {@code @revoked}, for any host: OpenSSH never accepts them, and neither does
     * NetPilot, whatever the policy ({@code --accept-new-host-keys} included).
     */
    synchronized List<PublicKey> revokedKeys() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<PublicKey> keys = new ArrayList<>();
        for (KnownHostEntry entry : KnownHostEntry.readKnownHostEntries(file)) {
            String marker = entry.getMarker();
            if (marker == null || entry.getKeyEntry() == null || !marker.replace("@", "").equalsIgnoreCase("revoked")) {
                continue;
            }
            try {
                PublicKey key = entry.getKeyEntry().resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.IGNORING);
                if (key != null) {
                    keys.add(key);
                }
            } catch (GeneralSecurityException | IOException | RuntimeException unreadable) {
                // A revoked key this client cannot decode cannot be offered to it either.
            }
        }
        return keys;
    }

    /** Appends {@code host key} as one line, creating the file (0600) when needed, and syncs it. */
    synchronized void pin(SshAddress address, PublicKey key) throws IOException {
        String line = hostPattern(address) + " " + PublicKeyEntry.toString(key) + "\n";
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
        }
        // Never through a link: a known_hosts linked elsewhere would have the agent append to another file.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (size > 0) {
                ByteBuffer last = ByteBuffer.allocate(1);
                ch.read(last, size - 1);
                if (last.get(0) != '\n') {
                    line = "\n" + line;
                }
            }
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), size);
            ch.force(true);
        }
    }

    /** A pinned key whose type this client cannot decode: it matches no offered key. */
    record UnreadableKey(String type) implements PublicKey {
        private static final long serialVersionUID = 1L;

        @Override
        public String getAlgorithm() {
            return type;
        }

        @Override
        public String getFormat() {
            return "unreadable";
        }

        @Override
        public byte[] getEncoded() {
            return new byte[0];
        }
    }
}
