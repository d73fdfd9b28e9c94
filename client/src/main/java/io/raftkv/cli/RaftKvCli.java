package io.raftkv.cli;

import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code raftkv}: the command-line client of RaftKV (and of any etcd v3 cluster), with
 * etcdctl's commands, flags and output formats. Global flags may come before or after the
 * command. See client/README.md for the command table and exit codes.
 */
@Command(name = "raftkv", version = "raftkv 0.1.0 (etcd v3 API)",
    description = "Command-line client for RaftKV and any etcd v3 compatible cluster.",
    subcommands = {
        KvCommands.Get.class, KvCommands.Put.class, KvCommands.Del.class, TxnCommand.class,
        WatchCommand.class, KvCommands.Compaction.class, LeaseCommand.class, MemberCommand.class,
        EndpointCommand.class, MaintenanceCommands.Defrag.class, MaintenanceCommands.AlarmCommand.class,
        MaintenanceCommands.MoveLeader.class, SnapshotCommand.class, LockCommand.class, ElectCommand.class,
        CheckCommand.class, CompletionCommand.class, HelpCommand.class},
    footer = {"", "Environment: RAFTKV_ENDPOINTS (comma-separated) is used when --endpoints is not given.",
        "Exit codes: 0 ok, 1 refused by the server or check failed, 2 unreachable or timed out,",
        "3 invalid input, 5 interrupted, 6 local file error, 128 bad arguments."})
public final class RaftKvCli implements AutoCloseable {
  @Spec
  CommandSpec spec;

  // Inherited, so that `raftkv get --help` or `raftkv lease grant --help` prints that command's
  // usage instead of complaining about its missing arguments.
  @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
      description = "show this command's usage and exit")
  boolean helpRequested;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "print the version and exit")
  boolean versionRequested;

  @Option(names = "--endpoints", scope = ScopeType.INHERIT, split = ",", paramLabel = "host:port",
      description = "gRPC endpoints (default: $RAFTKV_ENDPOINTS, else 127.0.0.1:2379)")
  List<String> endpoints;

  @Option(names = "--dial-timeout", scope = ScopeType.INHERIT, converter = GoDuration.class, defaultValue = "2s",
      description = "timeout of one connection attempt (default ${DEFAULT-VALUE})")
  Duration dialTimeout;

  @Option(names = "--command-timeout", scope = ScopeType.INHERIT, converter = GoDuration.class, defaultValue = "5s",
      description = "timeout of one command's requests, retries included (default ${DEFAULT-VALUE})")
  Duration commandTimeout;

  @Option(names = {"-w", "--write-out"}, scope = ScopeType.INHERIT, defaultValue = "simple",
      description = "output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
  OutputFormat format;

  @Option(names = "--cacert", scope = ScopeType.INHERIT, description = "verify servers with this CA bundle (enables TLS)")
  Path caCert;

  @Option(names = "--cert", scope = ScopeType.INHERIT, description = "client certificate for mutual TLS")
  Path cert;

  @Option(names = "--key", scope = ScopeType.INHERIT, description = "client private key (PKCS#8 PEM) for mutual TLS")
  Path key;

  private final Map<String, String> env;
  private final InputStream stdin;
  private RaftKvClient client;

  public RaftKvCli() {
    this(System.getenv(), System.in);
  }

  /** For embedding and tests: a given environment and standard input. */
  public RaftKvCli(Map<String, String> env, InputStream stdin) {
    this.env = Map.copyOf(env);
    this.stdin = stdin;
  }

  /**
   * gRPC logs a failed name resolution or connection through java.util.logging as a warning with
   * a stack trace; the CLI reports each failure itself in one line, so gRPC's logger stays quiet.
   * Held here: java.util.logging keeps loggers only weakly, and a collected one loses its level.
   */
  private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

  public static void main(String[] args) {
    GRPC_LOG.setLevel(java.util.logging.Level.OFF);
    int code;
    try (RaftKvCli cli = new RaftKvCli()) {
      code = cli.commandLine().execute(args);
    }
    System.exit(code);
  }

  /** The configured command line: error handling, exit codes, case-insensitive enums. */
  public CommandLine commandLine() {
    CommandLine cl = new CommandLine(this);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // `lock name cmd -x`: everything after the lock name belongs to the command.
    cl.getSubcommands().get("lock").setStopAtPositional(true);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      Throwable t = unwrap(ex);
      if (!(t instanceof ExitCode.CheckFailedException) || t.getMessage() != null) {
        line.getErr().println("Error: " + describe(t));
        line.getErr().flush();
      }
      return ExitCode.of(t);
    });
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("Error: " + ex.getMessage());
      c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
      c.getErr().flush();
      return ExitCode.BAD_ARGS;
    });
    return cl;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException
        || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** One line: the endpoint and etcd's reason for server errors, the message otherwise. */
  static String describe(Throwable t) {
    if (t instanceof RaftKvException rk) {
      return rk.getMessage();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  List<String> endpoints() {
    if (endpoints != null && !endpoints.isEmpty()) {
      return endpoints;
    }
    String fromEnv = env.getOrDefault("RAFTKV_ENDPOINTS", "").trim();
    if (!fromEnv.isEmpty()) {
      return Arrays.stream(fromEnv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
    return List.of("127.0.0.1:2379");
  }

  /** A client of the configured endpoints, built on first use and closed with the CLI. */
  RaftKvClient client() {
    if (client == null) {
      client = clientOf(endpoints());
      try {
        client.connect(dialTimeout);
      } catch (RuntimeException e) {
        // Keep going: per-endpoint commands (endpoint health) report each endpoint themselves.
        if (!(e instanceof RaftKvException.UnavailableException)) {
          throw e;
        }
      }
    }
    return client;
  }

  /** A separate client of other endpoints (one member, or the whole cluster); the caller closes it. */
  RaftKvClient clientOf(List<String> eps) {
    RaftKvClient.Builder b = RaftKvClient.builder()
        .endpoints(eps)
        .connectTimeout(dialTimeout)
        .requestTimeout(commandTimeout)
        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    Optional.ofNullable(caCert).ifPresent(b::trustCertificate);
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        throw new ExitCode.InvalidInputException("--cert and --key go together");
      }
      b.clientCertificate(cert, key);
    }
    return b.build();
  }

  Printer printer() {
    return new Printer(out(), format);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  InputStream stdin() {
    return stdin;
  }

  Duration commandTimeout() {
    return commandTimeout;
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
