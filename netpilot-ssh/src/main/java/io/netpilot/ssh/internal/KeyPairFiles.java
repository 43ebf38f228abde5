package io.netpilot.ssh.internal;

import io.netpilot.core.InvalidInputException;
import io.netpilot.core.NetPilotException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads private key files and makes the agent's key pair. Stateless, thread-safe. */
final class KeyPairFiles {
    private static final Logger LOG = LoggerFactory.getLogger(KeyPairFiles.class);
    private static final Object CREATE_LOCK = new Object();
    static final String COMMENT = "netpilot-agent";

    private KeyPairFiles() {}

    /** The pair at {@code path}, made (ed25519, 0600, with {@code .pub}) when the file does not exist. */
    static KeyPair loadOrCreate(Path path) {
        synchronized (CREATE_LOCK) {
            if (Files.exists(path)) {
                return load(path);
            }
            try {
                KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
                ByteArrayOutputStream priv = new ByteArrayOutputStream();
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, COMMENT, null, priv);
                ByteArrayOutputStream pub = new ByteArrayOutputStream();
                OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(pair.getPublic(), COMMENT, pub);
                Path dir = path.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                writeAtomically(path.resolveSibling(path.getFileName() + ".pub"), pub.toByteArray(), "rw-r--r--");
                writeAtomically(path, priv.toByteArray(), "rw-------");
                LOG.info("made the agent key {} ({})", path, KeyUtils.getFingerPrint(pair.getPublic()));
                return pair;
            } catch (IOException | GeneralSecurityException e) {
                throw new NetPilotException("cannot make the agent key " + path + ": " + e
                        + "; check that the directory is writable", e);
            }
        }
    }

    /** The first key pair in an unencrypted OpenSSH or PEM private key file. */
    static KeyPair load(Path path) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new InvalidInputException("cannot read private key file " + path
                    + ": it does not exist or is not readable; give the path of an OpenSSH private key");
        }
        try (InputStream in = Files.newInputStream(path)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(
                    null, NamedResource.ofName(path.toString()), in, FilePasswordProvider.EMPTY);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new InvalidInputException("no private key found in " + path + "; give an OpenSSH private key file");
            }
            return it.next();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof InvalidInputException iie) {
                throw iie;
            }
            throw new InvalidInputException("cannot use private key file " + path + " (" + e.getMessage()
                    + "); give an unencrypted OpenSSH or PEM private key");
        }
    }

    private static void writeAtomically(Path target, byte[] bytes, String mode) throws IOException {
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        try {
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(perms));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                throw e;
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
