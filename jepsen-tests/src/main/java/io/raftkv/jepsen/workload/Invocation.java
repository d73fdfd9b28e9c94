package io.raftkv.jepsen.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.jepsen.client.ClientException;
import io.raftkv.jepsen.history.HistoryRecorder;
import io.raftkv.jepsen.history.Op;
import io.raftkv.jepsen.history.OpType;
import java.util.function.Supplier;

/**
 * Records one operation around a client call: INVOKE before it is sent, then OK, FAIL
 * (certainly no effect) or INFO (unknown: timeout, connection lost). A read that fails in any
 * way is FAIL, since a read has no effect to be unsure about.
 */
public final class Invocation {
  static final ObjectMapper JSON = new ObjectMapper();

  private Invocation() {}

  public static OpType record(HistoryRecorder recorder, int process, String f, String key,
      JsonNode argument, boolean readOnly, Supplier<Outcome> call) {
    Op invoke = recorder.invoke(process, f, key, argument);
    try {
      Outcome outcome = call.get();
      if (outcome instanceof Outcome.Ok ok) {
        recorder.complete(invoke, OpType.OK, ok.value(), null);
        return OpType.OK;
      }
      recorder.complete(invoke, OpType.FAIL, null, ((Outcome.Fail) outcome).why());
      return OpType.FAIL;
    } catch (ClientException e) {
      OpType type = e.definite() || readOnly ? OpType.FAIL : OpType.INFO;
      recorder.complete(invoke, type, null, e.getMessage());
      return type;
    } catch (RuntimeException e) {
      OpType type = readOnly ? OpType.FAIL : OpType.INFO;
      recorder.complete(invoke, type, null, e.getClass().getSimpleName() + ": " + e.getMessage());
      return type;
    }
  }
}
