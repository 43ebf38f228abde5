package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostKeyFingerprintTest {
    @Test
    void matchesWhatSshKeygenPrints() {
        // ssh-keygen -lf on this key printed: 256 SHA256:o/B1sazDqdpgUXtDPHKd2yDQQG5Sk10WwPfDYR1KeW8 root@vm (ED25519)
        String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINT3bpsG3iLa89jF+ZNxUHhiLTiHDWI38lYtYqjDNNzX root@vm";
        assertThat(HostKeyFingerprint.ofPublicKey(key)).isEqualTo(new HostKeyFingerprint("SHA256:o/B1sazDqdpgUXtDPHKd2yDQQG5Sk10WwPfDYR1KeW8"));
    }

    @Test
    void somethingElseIsOneClearError() {
        assertThatThrownBy(() -> HostKeyFingerprint.ofPublicKey("ssh-ed25519 $(rm -rf /)")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> HostKeyFingerprint.ofPublicKey("garbage")).isInstanceOf(InvalidInputException.class);
    }
}
