package io.raftkv.jepsen.sut;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Debian's etcd 3.4 ({@code /usr/bin/etcd}): the reference the harness is proven against. */
public final class Etcd implements SystemUnderTest {

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public List<String> imageArguments() {
    return List.of();
  }

  @Override
  public List<String> command(String node, List<String> members, boolean joining) {
    List<String> command = new ArrayList<>();
    command.add("/usr/bin/etcd");
    command.addAll(SystemUnderTest.etcdFlags(node, members, joining));
    command.addAll(List.of("--initial-cluster-token", "jepsen"));
    return command;
  }

  @Override
  public Map<String, String> environment() {
    return Map.of();
  }
}
