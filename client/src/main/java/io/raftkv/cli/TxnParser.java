package io.raftkv.cli;

import io.raftkv.client.ByteSequence;
import io.raftkv.client.Cmp;
import io.raftkv.client.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses etcdctl's txn language: compares, a blank line, success operations, a blank line,
 * failure operations. A compare is {@code target("key") op "operand"} with target
 * c|create, m|mod, val|value, ver|version or lease and op one of = != < >; an operation is a
 * get, put or del line with the same arguments and flags as those commands.
 */
final class TxnParser {
  private static final Pattern COMPARE = Pattern.compile(
      "^\\s*(c|create|m|mod|val|value|ver|version|lease)\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)\\s*(!=|=|<|>)\\s*(.*?)\\s*$");

  private TxnParser() {}

  static Cmp compare(String line) {
    Matcher m = COMPARE.matcher(line);
    if (!m.matches()) {
      throw new ExitCode.InvalidInputException("malformed comparison: " + line);
    }
    ByteSequence key = ByteSequence.of(unquote(m.group(2)));
    String op = m.group(3);
    String operand = m.group(4);
    if (operand.startsWith("\"")) {
      if (!operand.endsWith("\"") || operand.length() < 2) {
        throw new ExitCode.InvalidInputException("unterminated quote in comparison: " + line);
      }
      operand = unquote(operand.substring(1, operand.length() - 1));
    }
    Cmp.Target target = switch (m.group(1)) {
      case "c", "create" -> Cmp.createRevision(key);
      case "m", "mod" -> Cmp.modRevision(key);
      case "val", "value" -> Cmp.value(key);
      case "ver", "version" -> Cmp.version(key);
      default -> Cmp.lease(key);
    };
    if (m.group(1).startsWith("val")) {
      ByteSequence v = ByteSequence.of(operand);
      return switch (op) {
        case "=" -> target.eq(v);
        case "!=" -> target.notEq(v);
        case "<" -> target.less(v);
        default -> target.greater(v);
      };
    }
    long n;
    try {
      n = m.group(1).equals("lease") ? LeaseCommand.parseId(operand) : Long.parseLong(operand);
    } catch (NumberFormatException e) {
      throw new ExitCode.InvalidInputException("not a number in comparison: " + line);
    }
    return switch (op) {
      case "=" -> target.eq(n);
      case "!=" -> target.notEq(n);
      case "<" -> target.less(n);
      default -> target.greater(n);
    };
  }

  static Op operation(String line) {
    List<String> args = tokens(line);
    if (args.isEmpty()) {
      throw new ExitCode.InvalidInputException("empty operation");
    }
    String[] rest = args.subList(1, args.size()).toArray(String[]::new);
    try {
      switch (args.get(0)) {
        case "get" -> {
          KvCommands.Get g = new KvCommands.Get();
          new CommandLine(g).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(rest);
          return Op.get(ByteSequence.of(g.key), g.options());
        }
        case "put" -> {
          KvCommands.Put p = new KvCommands.Put();
          new CommandLine(p).parseArgs(rest);
          if (p.value == null) {
            throw new ExitCode.InvalidInputException("put in txn needs a value: " + line);
          }
          return Op.put(ByteSequence.of(p.key), ByteSequence.of(p.value), p.options());
        }
        case "del", "delete" -> {
          KvCommands.Del d = new KvCommands.Del();
          new CommandLine(d).parseArgs(rest);
          return Op.delete(ByteSequence.of(d.key), d.options());
        }
        default -> throw new ExitCode.InvalidInputException("unknown operation \"" + args.get(0) + "\" (get, put or del)");
      }
    } catch (CommandLine.ParameterException e) {
      throw new ExitCode.InvalidInputException("bad operation \"" + line + "\": " + e.getMessage());
    }
  }

  /** Splits a line like a shell: whitespace separates, double quotes group, backslash escapes. */
  static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inQuotes = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        cur.append(escaped(line.charAt(++i)));
        any = true;
      } else if (c == '"') {
        inQuotes = !inQuotes;
        any = true;
      } else if (Character.isWhitespace(c) && !inQuotes) {
        if (any) {
          out.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(c);
        any = true;
      }
    }
    if (inQuotes) {
      throw new ExitCode.InvalidInputException("unterminated quote: " + line);
    }
    if (any) {
      out.add(cur.toString());
    }
    return out;
  }

  private static String unquote(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(c == '\\' && i + 1 < s.length() ? escaped(s.charAt(++i)) : c);
    }
    return sb.toString();
  }

  private static char escaped(char c) {
    return switch (c) {
      case 'n' -> '\n';
      case 't' -> '\t';
      default -> c;
    };
  }
}
