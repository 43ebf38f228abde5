package io.netpilot.testkit.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.List;

/**
 * NetPilot's layering (DESIGN.md, "Modules"), written once. Each rule passes on an import that has
 * none of the classes it governs ({@code allowEmptyShould(true)}), so a module checks all of them over
 * whatever it can see: run them from a module that sees every other one (cli), and from desktop for
 * desktop's classes. Rules are immutable and thread-safe.
 *
 * <pre>{@code
 * NetPilotArchitecture.ALL.check(NetPilotArchitecture.importProductionClasses());
 * }</pre>
 */
// JUnit/ArchUnit are optional (requires static): users of this type bring them, so they are not re-exported.
@SuppressWarnings("exports")
public final class NetPilotArchitecture {
    private static final String CORE = "io.netpilot.core..";
    private static final String SSH = "io.netpilot.ssh..";
    private static final String STATE = "io.netpilot.state..";
    private static final String CLI = "io.netpilot.cli..";
    private static final String DESKTOP = "io.netpilot.desktop..";

    /** Core sees no SSH library, no JSON library, no injector, no command-line parser and no UI. */
    public static final ArchRule CORE_IS_TRANSPORT_FREE = noClasses().that().resideInAPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.sshd..", "com.fasterxml.jackson..", "com.google.inject..", "picocli..", "javax.swing..", "java.awt..")
            .because("core is the transport-free domain: MINA, Jackson, Guice, picocli and Swing belong to the modules around it")
            .allowEmptyShould(true);

    /** The SSH module does not see the state module. */
    public static final ArchRule SSH_DOES_NOT_SEE_STATE = independent(SSH, STATE);

    /** The state module does not see the SSH module. */
    public static final ArchRule STATE_DOES_NOT_SEE_SSH = independent(STATE, SSH);

    /** Nothing depends on the command-line application. */
    public static final ArchRule NOTHING_DEPENDS_ON_CLI = application(CLI, "cli");

    /** Nothing depends on the desktop application. */
    public static final ArchRule NOTHING_DEPENDS_ON_DESKTOP = application(DESKTOP, "desktop");

    /** Only the command-line application writes to the console; everything else logs through SLF4J. */
    public static final ArchRule ONLY_CLI_WRITES_TO_CONSOLE = noClasses().that().resideOutsideOfPackage(CLI)
            .should().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .because("only the CLI writes to stdout/stderr; libraries log through SLF4J so that embedding apps decide where output goes")
            .allowEmptyShould(true);

    /** No cycles between the modules (slices by {@code io.netpilot.(*)..}). */
    public static final ArchRule NO_MODULE_CYCLES = slices().matching("io.netpilot.(*)..")
            .should().beFreeOfCycles()
            .because("the modules form a DAG: core at the bottom, the applications at the top")
            .allowEmptyShould(true);

    /**
     * A module's {@code internal} packages are used only by that module. They are not exported, so
     * JPMS refuses other modules already; this also catches a test or a class-path run that reaches
     * in. (A class in {@code internal} may be public: the module's API package needs something to call
     * across the package boundary, as Failsafe's does.)
     */
    public static final ArchRule INTERNALS_STAY_IN_THEIR_MODULE = classes().that().resideInAPackage("io.netpilot..internal..")
            .should(new ArchCondition<JavaClass>("be used only from their own module") {
                @Override
                public void check(JavaClass item, ConditionEvents events) {
                    String module = moduleOf(item.getPackageName());
                    for (Dependency d : item.getDirectDependenciesToSelf()) {
                        if (!moduleOf(d.getOriginClass().getPackageName()).equals(module)) {
                            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                        }
                    }
                }
            })
            .because("implementations are not API (STYLE.md, convention 1): other modules use the exported interfaces")
            .allowEmptyShould(true);

    /** Desktop's presentation models are Swing-free, so they can be tested without a display. */
    public static final ArchRule PRESENTATION_IS_SWING_FREE = noClasses().that().resideInAPackage("io.netpilot.desktop..presentation..")
            .should().dependOnClassesThat().resideInAnyPackage("javax.swing..", "java.awt..")
            .because("presentation models hold state and fire changes; Swing stays in the view classes")
            .allowEmptyShould(true);

    /** {@code module} does not see {@code other}: both implement core's interfaces. */
    private static ArchRule independent(String module, String other) {
        return noClasses().that().resideInAPackage(module)
                .should().dependOnClassesThat().resideInAPackage(other)
                .because("ssh and state are independent implementations of core's interfaces, wired together only by the applications")
                .allowEmptyShould(true);
    }

    /** Nothing outside {@code packages} depends on them: the application {@code name} is at the top of the graph. */
    private static ArchRule application(String packages, String name) {
        return noClasses().that().resideOutsideOfPackage(packages)
                .should().dependOnClassesThat().resideInAPackage(packages)
                .because(name + " is an application at the top of the graph; shared code belongs in core, ssh or state")
                .allowEmptyShould(true);
    }

    private static final List<ArchRule> RULES = List.of(
            CORE_IS_TRANSPORT_FREE,
            SSH_DOES_NOT_SEE_STATE,
            STATE_DOES_NOT_SEE_SSH,
            NOTHING_DEPENDS_ON_CLI,
            NOTHING_DEPENDS_ON_DESKTOP,
            ONLY_CLI_WRITES_TO_CONSOLE,
            NO_MODULE_CYCLES,
            INTERNALS_STAY_IN_THEIR_MODULE,
            PRESENTATION_IS_SWING_FREE);

    /** Every rule above, in one. */
    public static final ArchRule ALL = CompositeArchRule.of(RULES).allowEmptyShould(true);

    private NetPilotArchitecture() {}

    /** {@code core} for {@code io.netpilot.core.internal}: the module a package belongs to. */
    static String moduleOf(String packageName) {
        String[] parts = packageName.split("\\.");
        return parts.length > 2 && parts[0].equals("io") && parts[1].equals("netpilot") ? parts[2] : packageName;
    }

    /** Every rule, one by one (for reporting each separately). */
    public static List<ArchRule> rules() {
        return RULES;
    }

    /**
     * The production classes of {@code io.netpilot} visible to the caller (class path and module
     * path), without test classes.
     */
    public static JavaClasses importProductionClasses() {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.netpilot");
    }
}
