package io.raftkv.jepsen.checker;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftkv.jepsen.history.Operation;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A read / write / compare-and-set register whose initial value is nil (the key is absent).
 * Ops: {@code read} (result: integer or null), {@code write v}, {@code cas [expected, new]}.
 * A CAS that reports "compare failed" is recorded as FAIL and has no effect, as in Knossos.
 */
public final class RegisterModel implements Model<OptionalLong> {

  @Override
  public OptionalLong initial() {
    return OptionalLong.empty();
  }

  @Override
  public boolean matters(Operation op) {
    return switch (op.outcome()) {
      case OK -> true;
      case INFO -> !op.f().equals("read"); // an unanswered read changed nothing
      case FAIL, INVOKE -> false;
    };
  }

  @Override
  public Optional<OptionalLong> step(OptionalLong state, Operation op) {
    switch (op.f()) {
      case "read" -> {
        return state.equals(asRegister(op.result())) ? Optional.of(state) : Optional.empty();
      }
      case "write" -> {
        return Optional.of(asRegister(op.argument()));
      }
      case "cas" -> {
        JsonNode pair = op.argument();
        if (!state.equals(asRegister(pair.get(0)))) {
          return Optional.empty();
        }
        return Optional.of(asRegister(pair.get(1)));
      }
      default -> throw new IllegalArgumentException("not a register op: " + op.describe());
    }
  }

  @Override
  public String show(OptionalLong state) {
    return state.isPresent() ? Long.toString(state.getAsLong()) : "nil";
  }

  static OptionalLong asRegister(JsonNode value) {
    return value == null || value.isNull() ? OptionalLong.empty() : OptionalLong.of(value.asLong());
  }
}
