package io.raftkv.cli;

import io.raftkv.client.EndpointStatus;
import io.raftkv.client.Header;
import io.raftkv.client.KeyValue;
import io.raftkv.client.LeaseClient;
import io.raftkv.client.MaintenanceClient;
import io.raftkv.client.Member;
import io.raftkv.client.OpResult;
import io.raftkv.client.OpResult.DeleteResult;
import io.raftkv.client.OpResult.GetResult;
import io.raftkv.client.OpResult.PutResult;
import io.raftkv.client.OpResult.TxnResult;
import io.raftkv.client.WatchEvent;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints results in etcdctl's formats: simple lines, JSON (base64 bytes), or tables. */
final class Printer {
  private final PrintWriter out;
  private final OutputFormat format;

  Printer(PrintWriter out, OutputFormat format) {
    this.out = out;
    this.format = format;
  }

  PrintWriter out() {
    return out;
  }

  private boolean json() {
    return format == OutputFormat.json;
  }

  private void json(Object o) {
    out.println(Json.write(o));
    out.flush();
  }

  static Map<String, Object> header(Header h) {
    Map<String, Object> m = Json.object();
    m.put("cluster_id", Long.toUnsignedString(h.clusterId()));
    m.put("member_id", Long.toUnsignedString(h.memberId()));
    m.put("revision", h.revision());
    m.put("raft_term", h.raftTerm());
    return m;
  }

  static Map<String, Object> kv(KeyValue kv) {
    Map<String, Object> m = Json.object();
    m.put("key", Json.base64(kv.key().toByteArray()));
    m.put("create_revision", kv.createRevision());
    m.put("mod_revision", kv.modRevision());
    m.put("version", kv.version());
    m.put("value", Json.base64(kv.value().toByteArray()));
    if (kv.lease() != 0) {
      m.put("lease", kv.lease());
    }
    return m;
  }

  private static Object jsonOf(OpResult r) {
    Map<String, Object> m = Json.object();
    m.put("header", header(r.header()));
    if (r instanceof GetResult g) {
      m.put("kvs", g.kvs().stream().map(Printer::kv).toList());
      m.put("more", g.more());
      m.put("count", g.count());
    } else if (r instanceof PutResult p) {
      p.prevKv().ifPresent(kv -> m.put("prev_kv", kv(kv)));
    } else if (r instanceof DeleteResult d) {
      m.put("deleted", d.deleted());
      m.put("prev_kvs", d.prevKvs().stream().map(Printer::kv).toList());
    } else if (r instanceof TxnResult t) {
      m.put("succeeded", t.succeeded());
      m.put("responses", t.results().stream().map(Printer::jsonOf).toList());
    }
    return m;
  }

  void get(GetResult r, boolean printValueOnly, boolean keysOnly, boolean countOnly) {
    if (json()) {
      json(jsonOf(r));
      return;
    }
    if (countOnly) {
      out.println(r.count());
    }
    for (KeyValue kv : r.kvs()) {
      if (!printValueOnly) {
        out.println(kv.key());
      }
      if (!keysOnly) {
        out.println(kv.value());
      } else if (!printValueOnly) {
        out.println();
      }
    }
    out.flush();
  }

  void put(PutResult r) {
    if (json()) {
      json(jsonOf(r));
      return;
    }
    out.println("OK");
    r.prevKv().ifPresent(kv -> {
      out.println(kv.key());
      out.println(kv.value());
    });
    out.flush();
  }

  void delete(DeleteResult r) {
    if (json()) {
      json(jsonOf(r));
      return;
    }
    out.println(r.deleted());
    for (KeyValue kv : r.prevKvs()) {
      out.println(kv.key());
      out.println(kv.value());
    }
    out.flush();
  }

  void txn(TxnResult r) {
    if (json()) {
      json(jsonOf(r));
      return;
    }
    out.println(r.succeeded() ? "SUCCESS" : "FAILURE");
    out.println();
    printTxnResponses(r);
    out.flush();
  }

  private void printTxnResponses(TxnResult r) {
    for (OpResult op : r.results()) {
      if (op instanceof GetResult g) {
        get(g, false, false, false);
      } else if (op instanceof PutResult p) {
        put(p);
      } else if (op instanceof DeleteResult d) {
        delete(d);
      } else if (op instanceof TxnResult t) {
        out.println(t.succeeded() ? "SUCCESS" : "FAILURE");
        out.println();
        printTxnResponses(t);
      }
    }
  }

  void watch(Header header, List<WatchEvent> events) {
    if (json()) {
      Map<String, Object> m = Json.object();
      m.put("Header", header(header));
      List<Object> evs = new ArrayList<>();
      for (WatchEvent e : events) {
        Map<String, Object> em = Json.object();
        em.put("type", e.type().name());
        em.put("kv", kv(e.kv()));
        e.prevKv().ifPresent(p -> em.put("prev_kv", kv(p)));
        evs.add(em);
      }
      m.put("Events", evs);
      json(m);
      return;
    }
    for (WatchEvent e : events) {
      out.println(e.type().name());
      out.println(e.kv().key());
      out.println(e.kv().value());
      e.prevKv().ifPresent(p -> {
        out.println(p.key());
        out.println(p.value());
      });
    }
    out.flush();
  }

  void leaseGranted(LeaseClient.Grant g) {
    if (json()) {
      Map<String, Object> m = Json.object();
      m.put("header", header(g.header()));
      m.put("ID", g.id());
      m.put("TTL", g.ttlSeconds());
      json(m);
      return;
    }
    out.printf("lease %016x granted with TTL(%ds)%n", g.id(), g.ttlSeconds());
    out.flush();
  }

  void leaseRevoked(long id, Header h) {
    if (json()) {
      Map<String, Object> m = Json.object();
      m.put("header", header(h));
      json(m);
      return;
    }
    out.printf("lease %016x revoked%n", id);
    out.flush();
  }

  void timeToLive(LeaseClient.TimeToLive t, boolean withKeys) {
    if (json()) {
      Map<String, Object> m = Json.object();
      m.put("header", header(t.header()));
      m.put("ID", t.id());
      m.put("TTL", t.ttlSeconds());
      m.put("granted-ttl", t.grantedTtlSeconds());
      if (withKeys) {
        m.put("keys", t.keys().stream().map(k -> Json.base64(k.toByteArray())).toList());
      }
      json(m);
      return;
    }
    if (!t.exists()) {
      out.printf("lease %016x already expired%n", t.id());
    } else if (withKeys) {
      out.printf("lease %016x granted with TTL(%ds), remaining(%ds), attached keys(%s)%n", t.id(), t.grantedTtlSeconds(),
          t.ttlSeconds(), t.keys().stream().map(Object::toString).toList().toString());
    } else {
      out.printf("lease %016x granted with TTL(%ds), remaining(%ds)%n", t.id(), t.grantedTtlSeconds(), t.ttlSeconds());
    }
    out.flush();
  }

  void leases(List<Long> ids) {
    if (json()) {
      Map<String, Object> m = Json.object();
      m.put("leases", ids.stream().map(id -> Map.of("ID", id)).toList());
      json(m);
      return;
    }
    out.printf("found %d leases%n", ids.size());
    ids.forEach(id -> out.printf("%016x%n", id));
    out.flush();
  }

  void keepAlive(long id, long ttl) {
    if (json()) {
      Map<String, Object> m = Json.object();
      m.put("ID", id);
      m.put("TTL", ttl);
      json(m);
      return;
    }
    out.printf("lease %016x keepalived with TTL(%d)%n", id, ttl);
    out.flush();
  }

  void members(Header h, List<Member> members) {
    if (json()) {
      Map<String, Object> m = Json.object();
      m.put("header", header(h));
      m.put("members", members.stream().map(Printer::member).toList());
      json(m);
      return;
    }
    if (format == OutputFormat.table) {
      Table t = new Table("ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER");
      for (Member mb : members) {
        t.row(mb.idHex(), status(mb), mb.name(), String.join(",", mb.peerUrls()), String.join(",", mb.clientUrls()),
            mb.learner());
      }
      out.println(t.render());
    } else {
      for (Member mb : members) {
        out.printf("%s, %s, %s, %s, %s, %s%n", mb.idHex(), status(mb), mb.name(), String.join(",", mb.peerUrls()),
            String.join(",", mb.clientUrls()), mb.learner());
      }
    }
    out.flush();
  }

  private static String status(Member m) {
    return m.name().isEmpty() ? "unstarted" : "started";
  }

  private static Map<String, Object> member(Member mb) {
    Map<String, Object> m = Json.object();
    m.put("ID", Long.toUnsignedString(mb.id()));
    m.put("name", mb.name());
    m.put("peerURLs", mb.peerUrls());
    m.put("clientURLs", mb.clientUrls());
    if (mb.learner()) {
      m.put("isLearner", true);
    }
    return m;
  }

  void endpointStatus(List<EndpointStatus> all) {
    if (json()) {
      List<Object> list = new ArrayList<>();
      for (EndpointStatus s : all) {
        Map<String, Object> st = Json.object();
        st.put("header", header(s.header()));
        st.put("version", s.version());
        st.put("dbSize", s.dbSize());
        st.put("leader", Long.toUnsignedString(s.leader()));
        st.put("raftIndex", s.raftIndex());
        st.put("raftTerm", s.raftTerm());
        st.put("raftAppliedIndex", s.raftAppliedIndex());
        st.put("dbSizeInUse", s.dbSizeInUse());
        st.put("isLearner", s.learner());
        st.put("errors", s.errors());
        Map<String, Object> m = Json.object();
        m.put("Endpoint", s.endpoint());
        m.put("Status", st);
        list.add(m);
      }
      json(list);
      return;
    }
    if (format == OutputFormat.table) {
      Table t = new Table("ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER", "IS LEARNER", "RAFT TERM", "RAFT INDEX",
          "RAFT APPLIED INDEX", "ERRORS");
      for (EndpointStatus s : all) {
        t.row(s.endpoint(), Long.toHexString(s.memberId()), s.version(), humanSize(s.dbSize()), s.isLeader(),
            s.learner(), s.raftTerm(), s.raftIndex(), s.raftAppliedIndex(), String.join(", ", s.errors()));
      }
      out.println(t.render());
    } else {
      for (EndpointStatus s : all) {
        out.printf("%s, %s, %s, %s, %s, %s, %d, %d, %d, %s%n", s.endpoint(), Long.toHexString(s.memberId()),
            s.version(), humanSize(s.dbSize()), s.isLeader(), s.learner(), s.raftTerm(), s.raftIndex(),
            s.raftAppliedIndex(), String.join(", ", s.errors()));
      }
    }
    out.flush();
  }

  /** One endpoint's health, as etcdctl reports it. */
  record Health(String endpoint, boolean healthy, String took, String error) {}

  void endpointHealth(List<Health> all) {
    if (json()) {
      List<Object> list = new ArrayList<>();
      for (Health h : all) {
        Map<String, Object> m = Json.object();
        m.put("endpoint", h.endpoint());
        m.put("health", h.healthy());
        m.put("took", h.took());
        if (!h.healthy()) {
          m.put("error", h.error());
        }
        list.add(m);
      }
      json(list);
      return;
    }
    if (format == OutputFormat.table) {
      Table t = new Table("ENDPOINT", "HEALTH", "TOOK", "ERROR");
      all.forEach(h -> t.row(h.endpoint(), h.healthy(), h.took(), h.error()));
      out.println(t.render());
    } else {
      for (Health h : all) {
        if (h.healthy()) {
          out.printf("%s is healthy: successfully committed proposal: took = %s%n", h.endpoint(), h.took());
        } else {
          out.printf("%s is unhealthy: failed to commit proposal: %s%n", h.endpoint(), h.error());
        }
      }
    }
    out.flush();
  }

  void hashKv(String endpoint, MaintenanceClient.HashKv h) {
    if (json()) {
      Map<String, Object> m = Json.object();
      m.put("Endpoint", endpoint);
      Map<String, Object> r = Json.object();
      r.put("header", header(h.header()));
      r.put("hash", h.hash());
      r.put("compact_revision", h.compactRevision());
      m.put("HashKV", r);
      json(m);
      return;
    }
    if (format == OutputFormat.table) {
      out.println(new Table("ENDPOINT", "HASH", "REVISION").row(endpoint, h.hash(), h.compactRevision()).render());
    } else {
      out.printf("%s, %d, %d%n", endpoint, h.hash(), h.compactRevision());
    }
    out.flush();
  }

  void alarms(List<MaintenanceClient.Alarm> alarms) {
    if (json()) {
      Map<String, Object> m = Json.object();
      m.put("alarms", alarms.stream().map(a -> Map.of("memberID", Long.toUnsignedString(a.memberId()),
          "alarm", a.type().name())).toList());
      json(m);
      return;
    }
    alarms.forEach(a -> out.printf("memberID:%d alarm:%s %n", a.memberId(), a.type().name()));
    out.flush();
  }

  /** A plain message line for commands whose result is only a confirmation. */
  void line(String simple, Map<String, Object> asJson) {
    if (json()) {
      json(asJson);
    } else {
      out.println(simple);
      out.flush();
    }
  }

  static String humanSize(long bytes) {
    // etcdctl prints go-humanize SI sizes: 20 kB, 1.2 MB.
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return (v < 10 ? String.format("%.1f", v) : String.format("%.0f", v)) + " " + units[u];
  }
}
