package io.raftkv.jepsen.sut;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Builds (or reuses) the node image by running {@code scripts/build-node-image}, which also
 * makes sure a Docker engine runs. The script tags images by content hash, so a second call
 * with unchanged inputs costs only the hashing.
 */
public final class NodeImage {
  private static final Map<List<String>, String> BUILT = new ConcurrentHashMap<>();

  private NodeImage() {}

  public static Path repoRoot() {
    Path root = Path.of(System.getProperty("jepsen.repoRoot", ".")).toAbsolutePath().normalize();
    if (!Files.exists(root.resolve("scripts/build-node-image"))
        && Files.exists(root.getParent().resolve("scripts/build-node-image"))) {
      root = root.getParent();
    }
    return root;
  }

  public static String tagFor(SystemUnderTest sut) {
    List<String> args = new ArrayList<>(List.of("--sut", sut.name()));
    args.addAll(sut.imageArguments());
    return BUILT.computeIfAbsent(args, NodeImage::build);
  }

  private static String build(List<String> args) {
    Path script = repoRoot().resolve("scripts/build-node-image");
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(args);
    try {
      Path log = Files.createTempFile("build-node-image", ".log");
      Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("build-node-image " + args + " failed: "
            + Files.readString(log));
      }
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1].strip();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted building the node image", e);
    }
  }
}
