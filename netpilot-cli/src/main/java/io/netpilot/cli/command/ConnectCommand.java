package io.netpilot.cli.command;

import io.netpilot.cli.internal.Agents;
import io.netpilot.core.ConnectArgs;
import io.netpilot.core.Durations;
import io.netpilot.cli.internal.ExitCode;

import io.netpilot.core.Agent;
import io.netpilot.core.Credentials;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.NetPilot;
import io.netpilot.core.TunnelSnapshot;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.UserConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netpilot connect}: hands the request to the running agent, or becomes the agent. */
@Command(
        name = "connect",
        description = {
            "Open a reverse tunnel from a router to the relay and keep it up.",
            "With an agent running, the request goes to it. Otherwise this process becomes the agent",
            "in the foreground (Ctrl-C stops the router's tunnel processes; the tunnel stays wanted and",
            "comes back at the next start), or, with --detach, starts one in the background."
        },
        footer = {
            "  netpilot connect --router root@192.168.1.1 --relay tunnel@relay.example.com --accept-new-host-keys",
            "  ROUTER_PW=secret netpilot connect --router root@10.0.0.1:2222 --router-password-env ROUTER_PW \\",
            "      --relay tunnel@relay.example.com --port-range 22000-22099 --detach"
        })
final class ConnectCommand extends Subcommand {
    @Option(names = "--router", required = true, paramLabel = "USER@HOST[:PORT]", description = "The router to reach.")
    String router;

    static final class RouterAuth {
        @Option(names = "--router-key", paramLabel = "FILE", description = "Private key for the router (default: the agent's own key).")
        Path key;

        @Option(names = "--router-password-env", paramLabel = "VAR",
                description = {"Environment variable holding the router's password; used once, by this process, to install",
                    "the agent's key. The agent then runs in the background (as with --detach) without it."})
        String passwordEnv;
    }

    @ArgGroup(exclusive = true)
    RouterAuth routerAuth = new RouterAuth();

    @Option(names = "--target-port", defaultValue = "22", paramLabel = "N", description = "The router-side port to expose (default: ${DEFAULT-VALUE}).")
    int targetPort;

    @Option(names = "--relay", paramLabel = "USER@HOST[:PORT]", description = "The relay (default: \"relay\" in <home>/config.json).")
    String relay;

    @Option(names = "--relay-key", paramLabel = "FILE", description = "Private key for the relay (default: \"relayKey\" in <home>/config.json, else the agent's own key).")
    Path relayKey;

    @Option(names = "--tunnel-user", paramLabel = "USER", description = "Relay account routers log in as (default: the relay user).")
    String tunnelUser;

    @Option(names = "--port-range", paramLabel = "A-B", description = "Relay ports to choose from (default: 20000-20999).")
    String portRange;

    @Option(names = "--port", paramLabel = "N", description = "Use exactly this relay port.")
    Integer port;

    @Option(names = "--lease-ttl", paramLabel = "DURATION",
            description = "How long the router keeps the tunnel without the agent (default: \"leaseTtl\" in <home>/config.json, else 2m).")
    String leaseTtl;

    @Option(names = "--accept-new-host-keys", description = "Pin host keys seen for the first time (a changed key is always refused).")
    boolean acceptNewHostKeys;

    @Option(names = "--detach", description = "Run the agent in the background; return once the tunnel is UP.")
    boolean detach;

    @Override
    public Integer call() throws Exception {
        Path homePath = root.homePath();
        UserConfig config = UserConfig.read(homePath.resolve("config.json"));
        String relayText = Optional.ofNullable(relay).or(config::relay)
                .orElseThrow(() -> new InvalidInputException("--relay is missing (or set \"relay\" in " + homePath.resolve("config.json") + ")"));
        Optional<Credentials.Password> password = Optional.ofNullable(routerAuth.passwordEnv).map(ConnectCommand::passwordFrom);
        Duration ttl = Durations.parse(Optional.ofNullable(leaseTtl).or(config::leaseTtl).orElse("2m"));
        ConnectArgs args = ConnectArgs.parse(router, targetPort, relayText, Optional.ofNullable(tunnelUser).or(config::tunnelUser),
                Optional.ofNullable(portRange).or(config::portRange), Optional.ofNullable(port), ttl,
                Optional.ofNullable(routerAuth.key), Optional.ofNullable(relayKey).or(() -> config.relayKey().map(Path::of)), acceptNewHostKeys);

        NetPilotHome home = root.openHome();
        if (password.isPresent()) {
            var step = root.console.step("installing the agent's key on " + args.spec().router().address());
            Agents.installAgentKey(home, args.spec().router().address(), password.get(), args.hostKeyPolicy());
            password.get().clear();
            step.done();
        }
        Optional<Agent> agent = Agents.attach(home.root());
        if (agent.isEmpty() && !detach && password.isPresent()) {
            // This process read the password, so it must not live on as the agent: the agent runs in the
            // background without the variable, and gets a request that needs only the agent's key.
            root.console.warn("the router password was used once to install the agent's key; the agent runs in the "
                    + "background (as with --detach) so that no long-lived process holds the password");
        }
        if (agent.isEmpty() && (detach || password.isPresent())) {
            agent = Optional.of(Agents.spawnBackgroundAgent(home, root.console, ttl, Optional.ofNullable(routerAuth.passwordEnv)));
        }
        if (agent.isPresent()) {
            try (Agent running = agent.get()) {
                var step = root.console.step("asking the agent to connect " + args.spec().router().address());
                TunnelSnapshot t = running.connect(args.request());
                step.done(t.state().name());
                printUp(t);
                return ExitCode.OK;
            }
        }
        try (NetPilot netpilot = Agents.start(home, root.console)) {
            var step = root.console.step("connecting " + args.spec().router().address() + " to " + args.spec().relay().address());
            TunnelSnapshot t = netpilot.connect(args.request());
            step.done(t.state().name());
            printUp(t);
            root.console.println("agent running in the foreground; Ctrl-C stops the router's tunnel processes");
            Agents.serveUntilStopped(netpilot);
            return ExitCode.OK;
        }
    }

    private void printUp(TunnelSnapshot t) {
        root.console.println(t.id() + " " + t.state().name() + " " + t.relay().host() + ":" + t.port().orElse(0)
                + "  (ssh -p " + t.port().orElse(0) + " " + t.router().user() + "@" + t.relay().host() + " from the relay)");
    }

    private static Credentials.Password passwordFrom(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException("--router-password-env " + variable + ": that environment variable is not set or empty");
        }
        char[] chars = value.toCharArray();
        try {
            return new Credentials.Password(chars);
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }
}
