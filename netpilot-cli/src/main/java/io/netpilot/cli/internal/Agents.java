package io.netpilot.cli.internal;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import io.netpilot.core.PendingRevocation;
import io.netpilot.core.Agent;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.NetPilot;
import io.netpilot.core.NetPilotBuilder;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.RediscoveryReport;
import io.netpilot.core.RestoreReport;
import io.netpilot.core.SshAddress;
import io.netpilot.core.StateCorruptException;
import io.netpilot.core.StateProblem;
import io.netpilot.core.StateStore;
import io.netpilot.core.TunnelId;
import io.netpilot.core.TunnelNotFoundException;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.ssh.RouterKeyInstaller;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.guice.NetPilotGuiceModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The CLI's ways to the front door ({@link NetPilot}), through Guice's {@link NetPilotGuiceModule}:
 * the agent with its reports printed to the console, a one-shot manager, attaching to a running
 * agent, and the printing of what they report. Stateless, thread-safe.
 */
public final class Agents {
    private Agents() {}

    /** The front door over {@code home}, printing restore and exit-cleanup reports to {@code console}. */
    static NetPilotBuilder builder(NetPilotHome home, Console console) {
        return NetPilot.builder().home(home.root())
                .onRestored(report -> printRestore(console, report))
                .onExitCleanup(report -> print(console, report, "stopped"));
    }

    /**
     * The whole agent (lock, restore in the background, supervision, network watch, control socket), with
     * SIGINT/SIGTERM running its clean exit.
     *
     * @throws io.netpilot.core.AgentAlreadyRunningException when another agent owns the home
     */
    public static NetPilot start(NetPilotHome home, Console console) {
        return inject(NetPilotGuiceModule.starting(builder(home, console).shutdownHook(true)));
    }

    /**
     * A manager over {@code home} for one command (no restore, no control socket; closing it leaves router
     * processes as they are).
     *
     * @throws io.netpilot.core.AgentAlreadyRunningException when another agent owns the home
     */
    public static NetPilot open(NetPilotHome home, Console console) {
        return inject(NetPilotGuiceModule.opening(builder(home, console).noRestoreAtStart()));
    }

    private static NetPilot inject(NetPilotGuiceModule module) {
        try {
            return Guice.createInjector(Stage.PRODUCTION, module).getInstance(NetPilot.class);
        } catch (ProvisionException | CreationException e) {
            // What the front door threw (another agent owns the home, a newer schema...), not Guice's wrapping.
            throw Failures.unwrap(e) instanceof RuntimeException failure ? failure : e;
        }
    }

    /** The agent that owns the home at {@code homePath} in another process, when one answers; creates nothing. */
    public static Optional<Agent> attach(Path homePath) {
        return NetPilot.builder().home(homePath).attach();
    }

    /**
     * Blocks until the agent is asked to stop (control socket {@code stop}, SIGINT, SIGTERM), then runs its
     * exit cleanup (printed by the builder's report).
     */
    public static void serveUntilStopped(NetPilot agent) {
        agent.awaitStop();
        agent.stopTunnels();
    }

    /** One line per restored tunnel, and per tunnel taken back (or orphan stopped) after a lost tunnel-state.json. */
    public static void printRestore(Console console, RestoreReport report) {
        report.problems().forEach(p -> console.warn("state file was unreadable and has been set aside: " + p.message()));
        report.restored().forEach(t -> console.println("restored " + t.id() + " " + t.state().name() + " port " + t.port().orElse(0)
                + t.reason().map(r -> " (" + r + ")").orElse("")));
        if (!report.rediscoveries().isEmpty()) {
            console.warn("tunnel-state.json was set aside; looking for this agent's tunnels on " + report.rediscoveries().size()
                    + " known router(s)");
        }
        for (RestoreReport.Rediscovery r : report.rediscoveries()) {
            r.error().ifPresent(e -> console.warn("could not look for lost tunnels on " + r.router() + ": " + e));
            r.report().ifPresent(found -> printRediscovery(console, r.router(), found));
        }
    }

    private static void printRediscovery(Console console, SshAddress router, RediscoveryReport report) {
        for (RediscoveryReport.Found f : report.found()) {
            TunnelSnapshot t = f.tunnel();
            console.println("rediscovered " + t.id() + " on " + router + " port " + t.port().orElse(0) + ": " + t.state().name()
                    + (f.adopted() ? " (adopted)" : t.reason().map(r -> " (" + r + ")").orElse(" (relaunched)")));
        }
        for (RediscoveryReport.Orphan o : report.orphans()) {
            if (o.error().isPresent() && o.stopped().isEmpty()) {
                console.warn("orphan " + o.token() + " on " + router + ": " + o.error().get());
            } else {
                console.println("stopped orphan " + o.token() + " on " + router + ": " + o.stopped().size() + " process(es)"
                        + o.error().map(e -> " (" + e + ")").orElse(""));
            }
        }
        if (report.found().isEmpty() && report.orphans().isEmpty()) {
            console.println("no lost tunnels on " + router);
        }
    }

    /** Disconnects one tunnel, every tunnel of a router host, or all, through {@code agent}. */
    public static List<CleanupReport> disconnect(Agent agent, Optional<TunnelId> id, Optional<String> routerHost, boolean all) {
        List<TunnelId> targets = new ArrayList<>();
        if (id.isPresent()) {
            targets.add(id.get());
        } else {
            for (TunnelSnapshot t : agent.tunnels()) {
                if (all || routerHost.map(h -> h.equalsIgnoreCase(t.router().host()) || h.equals(t.router().toString())).orElse(false)) {
                    targets.add(t.id());
                }
            }
            if (targets.isEmpty()) {
                throw new TunnelNotFoundException(all ? "there are no tunnels to disconnect" : "no tunnel goes to router " + routerHost.orElse("?"));
            }
        }
        List<CleanupReport> reports = new ArrayList<>();
        for (TunnelId t : targets) {
            reports.add(agent.disconnect(t));
        }
        return reports;
    }

    /**
     * The wanted tunnels as the state files have them, read through a view that changes nothing (no
     * agent, no lock, no network), with any file that could not be read.
     */
    public static Persisted persistedTunnels(NetPilotHome home) {
        StateStore view = NetPilot.builder().home(home.root()).readState();
        return new Persisted(view.tunnels().stream().map(StatusDocument::fromRecord).toList(),
                view.problems().stream().map(StateProblem::message).toList(), view.pendingRevocations());
    }

    /**
     * What the state files hold when no agent runs.
     *
     * @param tunnels the wanted tunnels, in their last known states
     * @param problems the files that could not be read
     * @param pending relay revocations a disconnect could not finish, which the agent retries
     */
    public record Persisted(List<TunnelSnapshot> tunnels, List<String> problems, List<PendingRevocation> pending) {}

    /**
     * Logs in to the router with a password once and installs the agent's key there. Needs no lock, so it
     * works beside a running agent.
     */
    public static void installAgentKey(NetPilotHome home, SshAddress router, Credentials.Password password, HostKeyPolicy policy) {
        RouterKeyInstaller.installAgentKey(home.knownHostsFile(), home.agentKeyFile(), router, password, policy);
    }

    /**
     * Starts {@code netpilot agent} in the background (its output in {@code <home>/logs/agent.out})
     * and returns it, attached, once its control socket answers. The agent inherits this process's
     * environment without {@code secretVariable} (the one {@code --router-password-env} named), so a
     * password used here never lives on in the agent's environment.
     */
    public static Agent spawnBackgroundAgent(NetPilotHome home, Console console, Duration leaseTtl, Optional<String> secretVariable) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(Launch.jvmArguments());
        command.addAll(List.of("--home", home.root().toString(), "agent", "--lease-ttl", leaseTtl.toSeconds() + "s"));
        var step = console.step("starting a background agent");
        try {
            Path out = home.logsDir().resolve("agent.out");
            if (Files.isSymbolicLink(out)) { // appended to by name, so never through a link
                throw new StateCorruptException(out + " is a symbolic link; NetPilot never follows links in its home: remove it");
            }
            ProcessBuilder builder = new ProcessBuilder(command);
            secretVariable.ifPresent(builder.environment()::remove);
            Process p = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                Optional<Agent> agent = attach(home.root());
                if (agent.isPresent()) {
                    step.done("pid " + p.pid());
                    return agent.get();
                }
                if (!p.isAlive()) {
                    throw new NetPilotException("the background agent exited with " + p.exitValue() + "; see " + home.logsDir().resolve("agent.out"));
                }
                p.waitFor(100, TimeUnit.MILLISECONDS);
            }
            p.destroy();
            throw new NetPilotException("the background agent did not open its control socket within 30 s; see " + home.logsDir());
        } catch (IOException e) {
            throw new NetPilotException("cannot start a background agent: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetPilotException("interrupted while starting the background agent", e);
        }
    }

    /** Prints a cleanup report, one line per router entry. */
    public static void print(Console console, CleanupReport report, String verb) {
        if (report.entries().isEmpty()) {
            console.println("nothing to " + ("stopped".equals(verb) ? "stop" : verb));
        }
        for (CleanupReport.Entry e : report.entries()) {
            String what = e.tunnel().map(TunnelId::value).orElse("tunnel") + " on " + e.router();
            if (e.error().isPresent()) {
                console.warn(what + ": " + e.error().get());
            } else {
                console.println(verb + " " + what + ": " + e.stopped().size() + " process(es)"
                        + (e.survivors().isEmpty() ? "" : ", " + e.survivors().size() + " SURVIVED"));
            }
        }
    }
}
