package io.netpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import io.netpilot.testkit.arch.NetPilotArchitecture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole project's layering, checked from the one module that sees every other (core, ssh, state,
 * testkit, cli itself, and desktop, a packaging-only dependency of cli for the distribution: the rules
 * NOTHING_DEPENDS_ON_CLI and NOTHING_DEPENDS_ON_DESKTOP keep that dependency out of the code). Production
 * classes only.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importEverythingCliSees() {
        classes = NetPilotArchitecture.importProductionClasses();
        // An import that found nothing would pass every rule: make sure the modules are really there.
        assertThat(classes.stream().map(c -> c.getPackageName()))
                .anyMatch(p -> p.startsWith("io.netpilot.core"))
                .anyMatch(p -> p.startsWith("io.netpilot.testkit"))
                .anyMatch(p -> p.startsWith("io.netpilot.cli"))
                .anyMatch(p -> p.startsWith("io.netpilot.desktop"))
                .noneMatch(p -> p.contains("archfixture"));
    }

    static Stream<ArchRule> rules() {
        return NetPilotArchitecture.rules().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void holds(ArchRule rule) {
        rule.check(classes);
    }
}
