package io.netpilot.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.netpilot.testkit.arch.NetPilotArchitecture;
import org.junit.jupiter.api.Test;

/**
 * The project's shared layering rules ({@link NetPilotArchitecture#ALL}) over what the desktop module
 * sees (core, ssh, state, testkit and the desktop itself), among them that the presentation package
 * uses no Swing or AWT.
 */
class ArchitectureTest {
    private final JavaClasses classes = NetPilotArchitecture.importProductionClasses();

    @Test
    void theSharedRulesHoldForTheDesktop() {
        // an import that found nothing would pass every rule: make sure the desktop's classes are there
        assertThat(classes.stream().map(c -> c.getPackageName()))
                .anyMatch(p -> p.equals("io.netpilot.desktop.presentation"))
                .anyMatch(p -> p.equals("io.netpilot.desktop"))
                .anyMatch(p -> p.startsWith("io.netpilot.core"));
        NetPilotArchitecture.ALL.check(classes);
    }

    @Test
    void presentationIsSwingFree() {
        assertThat(classes.stream().filter(c -> c.getPackageName().equals("io.netpilot.desktop.presentation"))).hasSizeGreaterThan(5);
        NetPilotArchitecture.PRESENTATION_IS_SWING_FREE.check(classes);
    }
}
