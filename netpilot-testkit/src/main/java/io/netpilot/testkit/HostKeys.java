package io.netpilot.testkit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** Host keys of the embedded servers: ECDSA P-256, made by the JDK alone. Stateless, thread-safe. */
final class HostKeys {
    private HostKeys() {}

    static KeyPair generateEcdsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make an ECDSA P-256 key: " + e.getMessage(), e);
        }
    }

    /** {@code key} in {@code authorized_keys} form: {@code TYPE BASE64}. */
    static String authorizedForm(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }
}
