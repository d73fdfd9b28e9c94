package io.raftkv.jepsen.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/** What a client call came back with, before it is recorded. */
public sealed interface Outcome {
  /** It took effect; {@code value} is what it returned (null node: nothing). */
  record Ok(JsonNode value) implements Outcome {}

  /** It certainly did not take effect (e.g. a compare-and-set whose comparison failed). */
  record Fail(String why) implements Outcome {}

  static Outcome ok() {
    return new Ok(NullNode.getInstance());
  }
}
