package org.netmarker.neo4jlocal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.io.ByteUnit;

/**
 * Starts the real Neo4j 5.26 engine in this JVM with a Bolt connector on 127.0.0.1, auth
 * enabled (user {@code neo4j}, password from {@code NEO4J_PASSWORD}), prints one line starting
 * with {@code neo4j-local ready} once Bolt accepts connections, and shuts down cleanly on
 * SIGTERM / SIGINT.
 *
 * <p>Options (each also readable from the environment variable in brackets):
 *
 * <pre>
 *   --port N        Bolt port on 127.0.0.1, default 7687          [NEO4J_LOCAL_PORT]
 *   --home DIR      data directory, kept; default: a temp dir       [NEO4J_LOCAL_HOME]
 *                   that is deleted on shutdown
 *   --pagecache S   page cache size, e.g. 512m or 2g; default 1g   [NEO4J_LOCAL_PAGECACHE]
 *   --tx-memory-max S  memory limit of one transaction, e.g. 4m;     [NEO4J_LOCAL_TX_MEMORY_MAX]
 *                   default: none (only Neo4j's pool of 70% of the heap)
 * </pre>
 *
 * <p>Any other Neo4j setting comes from {@code NEO4J_LOCAL_SETTINGS}: "name=value" pairs
 * separated by whitespace, as in neo4j.conf; an unknown name stops the start.
 */
public final class Main {
  private Main() {}

  /** "name=value" pairs separated by whitespace: any Neo4j setting, as in neo4j.conf. */
  static Map<String, String> settings(String text) {
    Map<String, String> raw = new java.util.LinkedHashMap<>();
    for (String pair : text.trim().split("\\s+")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        fail("NEO4J_LOCAL_SETTINGS: expected name=value, got '" + pair + "'");
      }
      raw.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return raw;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    int port = Integer.parseInt(option(args, "--port", env.getOrDefault("NEO4J_LOCAL_PORT", "7687")));
    String homeArg = option(args, "--home", env.getOrDefault("NEO4J_LOCAL_HOME", ""));
    String pagecache = option(args, "--pagecache", env.getOrDefault("NEO4J_LOCAL_PAGECACHE", "1g"));
    String txMemoryMax =
        option(args, "--tx-memory-max", env.getOrDefault("NEO4J_LOCAL_TX_MEMORY_MAX", ""));
    String password = env.get("NEO4J_PASSWORD");
    if (password == null || password.length() < 8) {
      fail("set NEO4J_PASSWORD (at least 8 characters) before starting neo4j-local");
    }

    boolean temporary = homeArg.isEmpty();
    Path home = temporary ? Files.createTempDirectory("neo4j-local-") : Path.of(homeArg);
    Files.createDirectories(home);

    DatabaseManagementServiceBuilder builder =
        new DatabaseManagementServiceBuilder(home.toAbsolutePath());
    if (!txMemoryMax.isEmpty()) {
      builder.setConfig(
          GraphDatabaseSettings.memory_transaction_max_size, ByteUnit.parse(txMemoryMax));
    }
    builder
        .setConfig(GraphDatabaseSettings.auth_enabled, true)
        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pagecache))
        // Tests and benchmarks clear the graph with large deletes; keep them unbounded.
        .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ZERO)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED);
    // last, so that they win over the defaults above
    Map<String, String> raw = settings(env.getOrDefault("NEO4J_LOCAL_SETTINGS", ""));
    Config parsed;
    try {
      parsed = Config.newBuilder().setRaw(raw).build();
    } catch (IllegalArgumentException e) {
      fail("NEO4J_LOCAL_SETTINGS: " + e.getMessage());
      return;
    }
    for (String name : raw.keySet()) {
      Setting<Object> setting = parsed.getDeclaredSettings().get(name);
      builder.setConfig(setting, parsed.get(setting));
    }
    DatabaseManagementService dbms = builder.build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("neo4j-local stopping");
                  dbms.shutdown();
                  if (temporary) {
                    deleteQuietly(home);
                  }
                  System.out.println("neo4j-local stopped");
                  stopped.countDown();
                },
                "neo4j-local-shutdown"));

    try {
      setPassword(dbms, password);
    } catch (RuntimeException e) {
      // Neo4j's threads would keep the JVM alive after main dies: exit (the hook shuts down)
      System.err.println("neo4j-local: cannot set the password: " + e.getMessage());
      System.exit(1);
    }
    System.out.println(
        "neo4j-local ready bolt://127.0.0.1:" + port + " home=" + home.toAbsolutePath());
    System.out.flush();
    stopped.await();
  }

  /**
   * The first start creates user neo4j with password "neo4j" and a forced change; replace it.
   * A restart on the same home with the same password has nothing to change (Neo4j refuses to
   * set a password to its current value).
   */
  private static void setPassword(DatabaseManagementService dbms, String password) {
    try {
      dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
          .executeTransactionally(
              "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
              Map.of("password", password));
    } catch (QueryExecutionException e) {
      String message = String.valueOf(e.getMessage());
      if (!message.contains("Old password and new password cannot be the same")) {
        throw e;
      }
    }
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(name)) {
        if (i + 1 >= args.length) {
          fail(name + " needs a value");
        }
        return args[i + 1];
      }
      if (args[i].startsWith(name + "=")) {
        return args[i].substring(name.length() + 1);
      }
    }
    return fallback;
  }

  private static void fail(String message) {
    System.err.println("neo4j-local: " + message);
    System.exit(2);
  }

  private static void deleteQuietly(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      System.err.println("neo4j-local: could not delete " + root + ": " + e.getMessage());
    }
  }
}
