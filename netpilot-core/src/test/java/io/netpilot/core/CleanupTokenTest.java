package io.netpilot.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CleanupTokenTest {
    private final RouterId router = RouterId.of(SshAddress.parse("root@192.168.1.1"));

    @Test
    void aGeneratedTokenNamesItsRouterAndPort() {
        CleanupToken t = CleanupToken.generate(router, 20017, new SplittableRandom(1));

        assertThat(t.value()).matches("np_[0-9a-f]{8}_20017_[0-9a-z]{6}");
        assertThat(t.port()).isEqualTo(20017);
        assertThat(t.routerShortId()).isEqualTo(router.shortForm());
        assertThat(t.belongsTo(router)).isTrue();
        assertThat(t.belongsTo(RouterId.of(SshAddress.parse("root@10.0.0.1")))).isFalse();
        assertThat(new CleanupToken(t.value())).isEqualTo(t);
    }

    @Test
    void tokensDiffer() {
        SplittableRandom random = new SplittableRandom(7);
        assertThat(CleanupToken.generate(router, 20000, random)).isNotEqualTo(CleanupToken.generate(router, 20000, random));
    }

    @Test
    void isFoundInAPsLine() {
        String ps = " 4242 root      1234 S    /bin/sh /tmp/netpilot/np-supervisor-1.sh np_0123abcd_20001_a1b2c3 127.0.0.1";
        assertThat(CleanupToken.findIn(ps)).hasValue(new CleanupToken("np_0123abcd_20001_a1b2c3"));
        assertThat(CleanupToken.findIn("/tmp/netpilot/np_0123abcd_20001_a1b2c3.lease"))
                .hasValue(new CleanupToken("np_0123abcd_20001_a1b2c3"));
    }

    @Test
    void isNotFoundInsideLongerWordsOrWithImpossiblePorts() {
        assertThat(CleanupToken.findIn("xnp_0123abcd_20001_a1b2c3")).isEmpty();
        assertThat(CleanupToken.findIn("np_0123abcd_20001_a1b2c3x")).isEmpty();
        assertThat(CleanupToken.findIn("np_0123abcd_99999_a1b2c3")).isEmpty();
        assertThat(CleanupToken.findIn("np_0123abcd_99999_a1b2c3 np_0123abcd_20002_zzzzzz"))
                .hasValue(new CleanupToken("np_0123abcd_20002_zzzzzz"));
        assertThat(CleanupToken.findIn("sshd: tunnel@notty")).isEmpty();
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : new String[] {"np_0123abcd_0_a1b2c3", "np_0123abcd_70000_a1b2c3", "np_0123ABCD_20001_a1b2c3",
                "np_0123abcd_20001_a1b2c3;rm", "np_0123abcd_20001_a1b2c", ""}) {
            assertThatThrownBy(() -> new CleanupToken(bad)).as(bad).isInstanceOf(InvalidInputException.class);
        }
        assertThatThrownBy(() -> CleanupToken.generate(router, 0, new SplittableRandom())).isInstanceOf(InvalidInputException.class);
    }
}
