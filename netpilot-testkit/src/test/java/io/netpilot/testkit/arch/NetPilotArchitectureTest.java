package io.netpilot.testkit.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import io.netpilot.core.archfixture.PrintsToStdout;
import io.netpilot.core.archfixture.UsesSwing;
import org.junit.jupiter.api.Test;

/** The rules bite: deliberately bad fixtures are reported, and good code is not. */
class NetPilotArchitectureTest {
    private final JavaClasses fixtures = new ClassFileImporter().importClasses(PrintsToStdout.class, UsesSwing.class);

    @Test
    void reportsCoreCodeThatPrintsToTheConsole() {
        EvaluationResult result = NetPilotArchitecture.ONLY_CLI_WRITES_TO_CONSOLE.evaluate(fixtures);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).anySatisfy(d -> assertThat(d).contains("PrintsToStdout").contains("System.out"));
    }

    @Test
    void reportsCoreCodeThatUsesSwing() {
        EvaluationResult result = NetPilotArchitecture.CORE_IS_TRANSPORT_FREE.evaluate(fixtures);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).anySatisfy(d -> assertThat(d).contains("UsesSwing").contains("javax.swing.JButton"));
        assertThat(NetPilotArchitecture.ALL.evaluate(fixtures).hasViolation()).isTrue();
    }

    @Test
    void reportsAModuleReachingIntoAnotherModulesInternals() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                io.netpilot.core.internal.archfixture.CoreImplementation.class,
                io.netpilot.core.internal.archfixture.SameModuleUser.class,
                io.netpilot.ssh.archfixture.ReachesIntoCore.class);
        EvaluationResult result = NetPilotArchitecture.INTERNALS_STAY_IN_THEIR_MODULE.evaluate(classes);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).hasSize(1)
                .allSatisfy(d -> assertThat(d).contains("ReachesIntoCore").doesNotContain("SameModuleUser"));
    }

    @Test
    void realTestkitClassesPassEveryRule() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(com.tngtech.archunit.core.importer.ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackagesOf(io.netpilot.testkit.EmbeddedRouter.class, NetPilotArchitecture.class);
        assertThat(production.contain(io.netpilot.testkit.EmbeddedRouter.class)).isTrue();
        assertThat(production.contain(PrintsToStdout.class)).as("test fixtures are not production classes").isFalse();
        for (var rule : NetPilotArchitecture.rules()) {
            EvaluationResult result = rule.evaluate(production);
            assertThat(result.hasViolation()).as(rule.getDescription() + "\n" + result.getFailureReport()).isFalse();
        }
    }

    @Test
    void rulesWithNothingToGovernPass() {
        JavaClasses none = new ClassFileImporter().importClasses(NetPilotArchitecture.class);
        NetPilotArchitecture.PRESENTATION_IS_SWING_FREE.check(none);
        NetPilotArchitecture.SSH_DOES_NOT_SEE_STATE.check(none);
        NetPilotArchitecture.INTERNALS_STAY_IN_THEIR_MODULE.check(none);
    }
}
