package io.netpilot.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import io.netpilot.testkit.arch.NetPilotArchitecture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The project's shared layering rules over what the desktop module sees (core, ssh, state, testkit and
 * the desktop itself), among them that the presentation package uses no Swing or AWT.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importEverythingTheDesktopSees() {
        classes = NetPilotArchitecture.importProductionClasses();
        assertThat(classes.stream().map(c -> c.getPackageName()))
                .anyMatch(p -> p.startsWith("io.netpilot.desktop.presentation"))
                .anyMatch(p -> p.startsWith("io.netpilot.core"));
    }

    static Stream<ArchRule> rules() {
        return NetPilotArchitecture.rules().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void holds(ArchRule rule) {
        rule.check(classes);
    }

    @org.junit.jupiter.api.Test
    void presentationIsSwingFreeAndTheRuleSeesIt() {
        assertThat(NetPilotArchitecture.rules()).contains(NetPilotArchitecture.PRESENTATION_IS_SWING_FREE);
        NetPilotArchitecture.PRESENTATION_IS_SWING_FREE.check(classes);
    }
}
