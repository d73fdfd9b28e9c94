package io.raftkv.cli;

import java.util.ArrayList;
import java.util.List;

/** An ASCII table drawn like etcdctl's {@code -w table} (tablewriter): centred headers, boxed rows. */
final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  Table row(Object... cells) {
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(String.valueOf(c));
    }
    rows.add(r);
    return this;
  }

  String render() {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    StringBuilder line = new StringBuilder("+");
    for (int x : w) {
      line.append("-".repeat(x + 2)).append('+');
    }
    StringBuilder sb = new StringBuilder();
    sb.append(line).append('\n').append('|');
    for (int i = 0; i < w.length; i++) {
      String h = header.get(i);
      int left = (w[i] - h.length()) / 2;
      sb.append(' ').append(" ".repeat(left)).append(h).append(" ".repeat(w[i] - h.length() - left)).append(" |");
    }
    sb.append('\n').append(line).append('\n');
    for (List<String> r : rows) {
      sb.append('|');
      for (int i = 0; i < w.length; i++) {
        String c = r.get(i);
        sb.append(' ').append(" ".repeat(w[i] - c.length())).append(c).append(" |");
      }
      sb.append('\n');
    }
    sb.append(line);
    return sb.toString();
  }
}
