package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SshAddressTest {
    @Test
    void parsesEveryForm() {
        assertThat(SshAddress.parse("root@192.168.1.1")).isEqualTo(new SshAddress("root", "192.168.1.1", 22));
        assertThat(SshAddress.parse("admin@router.example:2222")).isEqualTo(new SshAddress("admin", "router.example", 2222));
        assertThat(SshAddress.parse("user@[::1]:2222")).isEqualTo(new SshAddress("user", "::1", 2222));
        assertThat(SshAddress.parse("user@[fe80::1]")).isEqualTo(new SshAddress("user", "fe80::1", 22));
    }

    @Test
    void printsIpv6InBrackets() {
        SshAddress a = SshAddress.parse("user@[::1]:2222");
        assertThat(a.hostAndPort()).isEqualTo("[::1]:2222");
        assertThat(a).hasToString("user@[::1]:2222");
        assertThat(SshAddress.parse(a.toString())).isEqualTo(a);
    }

    @ParameterizedTest
    @ValueSource(strings = {"root@host;rm -rf /", "a@b c", "root@$(x)", "root@host:0", "root@host:70000", "", "   ",
            "nouser", "@host", "ro ot@host", "root@`id`", "root@host\nid", "root@'h'"})
    void refusesHostileOrBrokenInput(String text) {
        assertThatThrownBy(() -> SshAddress.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageMatching("(?s).*(USER@HOST|host name|port|user name).*");
    }

    @Test
    void theMessageShowsControlCharactersInsteadOfPrintingThem() {
        assertThatThrownBy(() -> SshAddress.parse("root@host\u001b[2J"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("\\x1b")
                .hasMessageNotContaining("\u001b");
    }

    @Test
    void refusesANullText() {
        assertThatThrownBy(() -> SshAddress.parse(null)).isInstanceOf(InvalidInputException.class);
    }
}
