package dev.egd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.egd.experiment.OutputDirectory;
import dev.egd.experiment.RunDirectory;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Every command, fed what an adversary would type: each flag at 0, negative, NaN, infinities, huge,
 * non-numeric and empty values (the flags found by reflection, so a new flag is covered when it is
 * added), damaged files, directories in use or holding something else, hostile sweep specs. For every
 * invocation: the exit code (2 bad input, 3 diverged, 0 where the input is valid; never 1, never an
 * exception), exactly one line on stderr when it fails, no stack trace anywhere, and when refused as bad
 * input, nothing written: the case's directory (with whatever the case put there before) is byte for
 * byte as it was, and no lock file appears, and the working directory gains nothing.
 *
 * <p>Runs are tiny (p = 13, width 16, two epochs); fixtures that need a run (a finished run, a stopped
 * one, a comparison, a sweep) are made once and copied. {@code EGD_HOSTILE_TIMES=file} writes every
 * invocation's time, exit code and stderr line to that file, slowest first.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HostileInputTest {
  @TempDir static Path root;
  static int caseNumber;
  static final List<String> times = new ArrayList<>();
  static Set<String> cwdBefore;

  /** What one invocation printed and returned. */
  record Result(int code, String out, String err) {
    String all() { return out + err; }
  }

  /** Prepares a case's directory before the invocation (files, runs, locks); may return something to close after. */
  interface Prep {
    AutoCloseable prep(Path dir) throws Exception;

    default Prep andThen(Edit e) {
      return d -> {
        AutoCloseable c = prep(d);
        e.edit(d);
        return c;
      };
    }
  }

  /** An extra check on a case's result. */
  interface Extra {
    void check(Path dir, Result r) throws Exception;
  }

  /**
   * One hostile invocation.
   *
   * @param args the arguments, with {@code DIR} replaced by the case's directory
   * @param codes the exit codes allowed
   * @param mention text the one line on stderr must contain when the code is 2 (null: anything)
   */
  record Case(String name, List<String> args, Set<Integer> codes, String mention, Prep prep, Extra extra) {
    Case mention(String m) { return new Case(name, args, codes, m, prep, extra); }
    Case prep(Prep p) { return new Case(name, args, codes, mention, p, extra); }
    Case extra(Extra e) { return new Case(name, args, codes, mention, prep, e); }
  }

  static Case bad(String name, String mention, String... args) { return new Case(name, List.of(args), Set.of(2), mention, null, null); }
  static Case bad(String name, String mention, List<String> args) { return new Case(name, args, Set.of(2), mention, null, null); }
  static Case ok(String name, String... args) { return new Case(name, List.of(args), Set.of(0), null, null, null); }
  static Case any(String name, Set<Integer> codes, String mention, List<String> args) { return new Case(name, args, codes, mention, null, null); }

  static final Set<Integer> VALID_OUTCOMES = Set.of(0, 2, 3);
  /** The hostile values every flag gets. */
  static final List<String> VALUES = List.of("0", "-1", "NaN", "Infinity", "-Infinity", "2147483647", "1e308", "abc", "");
  /** And for the flags that take a long: the largest one. */
  static final String HUGE_LONG = "9223372036854775807";

  // tiny runs: a fraction of a second each
  static final List<String> MODULAR = List.of("--p", "13", "--width", "16", "--batch", "16", "--epochs", "2", "--train-fraction", "0.6", "--quiet");
  static final List<String> PARITY = List.of("--task", "parity", "--n", "8", "--k", "2", "--train-size", "64", "--test-size", "64", "--width", "16",
      "--batch", "16", "--epochs", "2", "--quiet");
  static final List<String> MNIST = List.of("--task", "mnist", "--data", "DIR/mnist", "--train-points", "64", "--width", "16", "--batch", "16",
      "--epochs", "2", "--eval-every", "0", "--quiet");
  /** 100 training and 50 test images of noise, for the MNIST cases (the bundled 10,000 digits take a while to read). */
  static final Prep TINY_MNIST = cached("mnist", d -> {
    Path data = Files.createDirectories(d.resolve("mnist"));
    java.util.Random rnd = new java.util.Random(1);
    for (String set : List.of("train", "t10k")) {
      int n = set.equals("train") ? 100 : 50;
      byte[] px = new byte[n * 784], labels = new byte[n];
      rnd.nextBytes(px);
      for (int i = 0; i < n; i++) labels[i] = (byte) rnd.nextInt(10);
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(data.resolve(set + "-images-idx3-ubyte")))) {
        out.writeInt(0x803);
        out.writeInt(n);
        out.writeInt(28);
        out.writeInt(28);
        out.write(px);
      }
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(data.resolve(set + "-labels-idx1-ubyte")))) {
        out.writeInt(0x801);
        out.writeInt(n);
        out.write(labels);
      }
    }
    return null;
  });
  static final List<String> TRANSFORMER = List.of("--model", "transformer", "--p", "7", "--width", "16", "--heads", "2", "--depth", "1",
      "--batch", "16", "--epochs", "2", "--train-fraction", "0.6", "--quiet");
  static final String TINY_SPEC = "name: tiny\nmethods: [vanilla, egd]\nflags: {p: 13, width: 16, batch: 16, epochs: 2, train-fraction: 0.6}\n";

  @BeforeAll static void rememberWorkingDirectory() throws Exception { cwdBefore = listing(Path.of("")); }

  @AfterAll static void workingDirectoryUnchanged() throws Exception {
    times.sort(java.util.Comparator.reverseOrder());
    if (System.getenv("EGD_HOSTILE_TIMES") != null) Files.write(Path.of(System.getenv("EGD_HOSTILE_TIMES")), times);
    assertEquals(cwdBefore, listing(Path.of("")), "no command wrote into the working directory");
  }

  static Set<String> listing(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir.toAbsolutePath())) {
      return new java.util.TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  // ---- running one invocation ----

  static synchronized Result egd(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out, oldErr = System.err;
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8), e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int code;
    System.setOut(o);
    System.setErr(e);
    try {
      CommandLine cl = Main.commandLine();
      cl.setOut(new PrintWriter(o, true));
      cl.setErr(new PrintWriter(e, true));
      code = cl.execute(args.toArray(new String[0]));
    } catch (Throwable t) {
      t.printStackTrace(e);
      code = -1;
    } finally {
      System.out.flush();
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static final Pattern TRACE = Pattern.compile("(?m)^\\s+at [\\w.$<>]+\\(|\\bat dev\\.egd|Exception in thread|"
      + "\\b(java|javax|picocli|com\\.fasterxml|dev\\.egd|org\\.yaml)\\.[\\w.$]*(Exception|Error)\\b|\\[picocli WARN]|Caused by:");

  /** Runs a case in its own directory and checks it. */
  static void check(Case c) throws Exception {
    Path dir = root.resolve(String.format("c%04d", ++caseNumber));
    Files.createDirectories(dir);
    AutoCloseable held = c.prep() == null ? null : c.prep().prep(dir);
    try {
      List<String> args = new ArrayList<>();
      for (String a : c.args()) args.add(a.replace("DIR", dir.toString()));
      Map<String, String> before = snapshot(dir);
      long t0 = System.nanoTime();
      Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(90), () -> egd(args),
          "a hostile invocation must end: " + args);
      times.add(String.format("%6d ms %s -> %d %s", (System.nanoTime() - t0) / 1_000_000, c.name(), r.code(), r.err().strip()));
      String where = c.name() + ": " + args + "\nexit " + r.code() + "\nstdout: " + r.out() + "\nstderr: " + r.err();
      assertTrue(c.codes().contains(r.code()), "exit code " + r.code() + " not in " + c.codes() + " for " + where);
      assertFalse(TRACE.matcher(r.all()).find(), "a stack trace or exception name: " + where);
      if (r.code() != 0) assertEquals(1, r.err().strip().lines().count(), "exactly one line on stderr: " + where);
      if (r.code() == 2) {
        assertTrue(r.err().startsWith("egd: "), "the line starts with 'egd: ': " + where);
        if (c.mention() != null) assertTrue(r.err().contains(c.mention()), "the line names " + c.mention() + ": " + where);
        assertEquals(before, snapshot(dir), "refused, so nothing written or changed under " + dir + ": " + where);
      }
      assertEquals(cwdBefore, listing(Path.of("")), "nothing written into the working directory: " + where);
      if (c.extra() != null) {
        try {
          c.extra().check(dir, r);
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + ": " + where, e);
        }
      }
    } finally {
      if (held != null) held.close();
    }
  }

  /** Every file and directory under dir: its relative name, and what it holds (content digest, link target). */
  static Map<String, String> snapshot(Path dir) throws Exception {
    Map<String, String> m = new TreeMap<>();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return m;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        String name = dir.relativize(p).toString();
        if (Files.isSymbolicLink(p)) m.put(name, "link " + Files.readSymbolicLink(p));
        else if (p.getFileName().toString().equals(OutputDirectory.LOCK) && Files.isRegularFile(p)) m.put(name, "lock"); // its holder line may be rewritten
        else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) m.put(name, "dir");
        else m.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    }
    return m;
  }

  // ---- the table ----

  @TestFactory Stream<DynamicTest> hostileInvocations() throws Exception {
    List<Case> cases = new ArrayList<>();
    cases.addAll(trainFlags());
    cases.addAll(otherCommandsFlags());
    cases.addAll(outPaths());
    cases.addAll(commands());
    cases.addAll(files());
    cases.addAll(directories());
    cases.addAll(specs());
    assertTrue(cases.size() >= 300, "at least 300 hostile invocations: " + cases.size());
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  /** The flags of a command class (its own and its mixins'), by reflection. */
  static List<Option> options(Class<?> type) {
    List<Option> out = new ArrayList<>();
    for (Field f : type.getDeclaredFields()) {
      if (f.getAnnotation(Option.class) != null) out.add(f.getAnnotation(Option.class));
      if (f.getAnnotation(CommandLine.Mixin.class) != null) out.addAll(options(f.getType()));
    }
    return out;
  }

  static boolean takesNoValue(Class<?> type, String flag) {
    for (Field f : allFields(type)) {
      Option o = f.getAnnotation(Option.class);
      if (o != null && Arrays.asList(o.names()).contains(flag))
        return (f.getType() == boolean.class || f.getType() == Boolean.class) && !o.arity().equals("1");
    }
    throw new IllegalArgumentException(flag);
  }

  static Class<?> type(Class<?> command, String flag) {
    for (Field f : allFields(command)) {
      Option o = f.getAnnotation(Option.class);
      if (o != null && Arrays.asList(o.names()).contains(flag)) return f.getType();
    }
    throw new IllegalArgumentException(flag);
  }

  static List<Field> allFields(Class<?> type) {
    List<Field> out = new ArrayList<>(Arrays.asList(type.getDeclaredFields()));
    for (Field f : type.getDeclaredFields()) if (f.getAnnotation(CommandLine.Mixin.class) != null) out.addAll(allFields(f.getType()));
    return out;
  }

  /** The tiny run in which a train flag applies (so its value is what gets checked, not its relevance). */
  static List<String> context(String flag) {
    List<String> a = new ArrayList<>();
    switch (flag) {
      case "--n": case "--k": case "--secret": case "--train-size": case "--test-size": case "--loss":
        a.addAll(PARITY);
        break;
      case "--data": case "--train-points": case "--init-scale":
        a.addAll(MNIST);
        break;
      case "--heads": case "--depth":
        a.addAll(TRANSFORMER);
        break;
      default:
        a.addAll(MODULAR);
    }
    switch (flag) {
      case "--beta1": case "--beta2": case "--eps": case "--warmup": a.addAll(List.of("--optimizer", "adam")); break;
      case "--rank": case "--power-iters": case "--oversample": case "--rsvd-residual": a.addAll(List.of("--method", "egd-rsvd", "--rank", "4")); break;
      case "--colnorm-min": a.addAll(List.of("--method", "colnorm")); break;
      case "--ema-alpha": case "--ema-lambda": a.addAll(List.of("--method", "grokfast-ema")); break;
      case "--ma-window": case "--ma-lambda": a.addAll(List.of("--method", "grokfast-ma", "--ma-window", "4")); break;
      case "--spectrum-every": case "--spectrum-layers": case "--spectrum-k": a.add("--log-spectrum"); break;
      // a valid epoch cap as large as 2^63-1 must still end: stop as soon as any test accuracy is reached
      case "--epochs": a.addAll(List.of("--target", "1e-9", "--stop-after", "0")); break;
      default:
    }
    return a;
  }

  /** Every flag of train at every hostile value: exit 0, 2 or 3, never a crash; a refusal names the flag and writes nothing. */
  static List<Case> trainFlags() {
    List<Case> cases = new ArrayList<>();
    Set<String> flags = new LinkedHashSet<>();
    for (Option o : options(TrainCommand.class)) flags.add(o.names()[o.names().length - 1]);
    flags.add("--help");
    flags.add("--version");
    flags.remove("--out"); // its values are paths: outPaths() gives it hostile ones (a value like "0" would be the working directory's 0/)
    for (String flag : flags) {
      boolean valueless = flag.equals("--help") || flag.equals("--version") || takesNoValue(TrainCommand.class, flag);
      List<String> values = new ArrayList<>(VALUES);
      if (!valueless && type(TrainCommand.class, flag) == Long.class) values.add(HUGE_LONG);
      for (String v : values) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(context(flag));
        a.addAll(List.of("--out", "DIR/out", flag, v));
        // a flag that takes no value leaves the value as a stray argument, reported as such
        cases.add(any("train " + flag + " '" + v + "'", VALID_OUTCOMES, valueless ? null : flag, a).prep(a.contains("DIR/mnist") ? TINY_MNIST : null));
      }
    }
    return cases;
  }

  /** The other commands' own flags at every hostile value. */
  static List<Case> otherCommandsFlags() {
    List<Case> cases = new ArrayList<>();
    String spec = "DIR/spec.yaml";
    Prep writeSpec = d -> {
      Files.writeString(d.resolve("spec.yaml"), TINY_SPEC);
      return null;
    };
    for (String v : VALUES) {
      // compare
      for (String flag : List.of("--methods", "--baseline", "--parallel")) {
        List<String> a = new ArrayList<>(List.of("compare", "--methods", "vanilla,egd"));
        a.addAll(MODULAR);
        a.addAll(List.of("--out", "DIR/out", flag, v));
        cases.add(any("compare " + flag + " '" + v + "'", VALID_OUTCOMES, flag, a));
      }
      // every run flag through compare too, at two values (the same checks, reported the same way)
      if (v.equals("NaN")) {
        for (Option o : options(RunOptions.class)) {
          String flag = o.names()[0];
          if (flag.equals("--log-spectrum")) continue;
          List<String> a = new ArrayList<>(List.of("compare", "--methods", "vanilla,egd"));
          List<String> ctx = context(flag);
          int m = ctx.indexOf("--method"); // compare takes --methods
          if (m >= 0) {
            a.set(2, "vanilla," + ctx.get(m + 1));
            ctx.subList(m, m + 2).clear();
          }
          a.addAll(ctx);
          a.addAll(List.of("--out", "DIR/out", flag, v));
          // a flag that takes no value (--decay-after-egd) leaves the value as a stray argument, reported as such
          cases.add(any("compare " + flag + " '" + v + "'", VALID_OUTCOMES, takesNoValue(RunOptions.class, flag) ? null : flag, a)
              .prep(a.contains("DIR/mnist") ? TINY_MNIST : null));
        }
      }
      // demo: --epochs at a valid huge value would run the full demo for minutes: only its refusals here
      // demo: valid values run the five-method demo (seconds each; one such run is below); a valid --epochs as large as
      // 2^31-1 would run the full demo for minutes: only the refused values here
      boolean validWhole = v.matches("-?\\d+") && new java.math.BigInteger(v).bitLength() < 64;
      if (!validWhole) {
        cases.add(any("demo --seed '" + v + "'", Set.of(2), "--seed", List.of("demo", "--epochs", "1", "--out", "DIR/out", "--seed", v)));
        cases.add(any("demo --epochs '" + v + "'", Set.of(2), "--epochs", List.of("demo", "--out", "DIR/out", "--epochs", v)));
      } else if (Long.parseLong(v) < 1) {
        cases.add(any("demo --epochs '" + v + "'", Set.of(2), "--epochs", List.of("demo", "--out", "DIR/out", "--epochs", v)));
      }
      // sweep and reproduce: no value here is valid (a valid one would start the sweep, or the whole experiment)
      for (String cmd : List.of("sweep", "reproduce")) {
        Class<?> type = cmd.equals("sweep") ? SweepCommand.class : ReproduceCommand.class;
        for (Option o : options(type)) {
          String flag = o.names()[o.names().length - 1];
          if (flag.equals("--out")) continue;
          List<String> a = cmd.equals("sweep") ? new ArrayList<>(List.of("sweep", spec, "--quiet", "--out", "DIR/out"))
              : new ArrayList<>(List.of("reproduce", "egd-tables", "--quick", "--quiet", "--out", "DIR/out"));
          a.addAll(List.of(flag, v));
          cases.add(any(cmd + " " + flag + " '" + v + "'", Set.of(2), takesNoValue(type, flag) ? null : flag, a).prep(writeSpec));
        }
      }
      cases.add(any("reproduce EXPERIMENT '" + v + "'", Set.of(2), "EXPERIMENT", List.of("reproduce", v, "--out", "DIR/out")));
      // toy: the step cap keeps every valid run short
      for (Option o : options(ToyCommand.class)) {
        String flag = o.names()[0];
        if (flag.equals("--out")) continue;
        List<String> a = new ArrayList<>(List.of("toy", "--eps", "0.1", "--max-steps", "10000", "--out", "DIR/out"));
        if (flag.equals("--max-steps")) a.set(2, "0.5");
        a.addAll(List.of(flag, v));
        cases.add(any("toy " + flag + " '" + v + "'", VALID_OUTCOMES, flag, a));
      }
      // report's directory
      cases.add(any("report '" + v + "'", Set.of(2), null, List.of("report", v.isEmpty() ? "DIR/none" : "DIR/" + v)));
    }
    return cases;
  }

  static final String LONG_NAME = "x".repeat(300);

  /** Hostile --out paths for every command that writes. */
  static List<Case> outPaths() {
    List<Case> cases = new ArrayList<>();
    Prep links = d -> {
      Files.createSymbolicLink(d.resolve("dangling"), d.resolve("nowhere"));
      Files.writeString(d.resolve("file"), "x");
      Files.createDirectories(d.resolve("foreign"));
      Files.writeString(d.resolve("foreign/notes.txt"), "mine");
      Files.writeString(d.resolve("spec.yaml"), TINY_SPEC);
      return null;
    };
    Map<String, String> paths = new java.util.LinkedHashMap<>();
    paths.put("under /proc", "/proc/egd-hostile/out");
    paths.put("in /proc", "/proc/self");
    paths.put("over 255 bytes", "DIR/" + LONG_NAME);
    paths.put("over 255 bytes, deeper", "DIR/" + LONG_NAME + "/run");
    paths.put("a dangling symlink", "DIR/dangling");
    paths.put("under a dangling symlink", "DIR/dangling/run");
    paths.put("a file", "DIR/file");
    paths.put("under a file", "DIR/file/run");
    paths.put("/dev/null", "/dev/null");
    paths.put("a directory of other files", "DIR/foreign");
    paths.put("the root", "/");
    paths.put("empty (the working directory)", "");
    paths.put("a NUL byte", "DIR/a\0b");
    List<List<String>> commands = List.of(
        concat(List.of("train"), MODULAR),
        concat(List.of("compare", "--methods", "vanilla,egd"), MODULAR),
        List.of("demo", "--epochs", "1"),
        List.of("sweep", "DIR/spec.yaml", "--quiet"),
        List.of("reproduce", "egd-tables", "--quick", "--quiet"),
        List.of("toy", "--eps", "0.1"));
    for (var p : paths.entrySet()) {
      for (List<String> cmd : commands) {
        cases.add(any(cmd.get(0) + " --out " + p.getKey(), Set.of(2), null, concat(cmd, List.of("--out", p.getValue()))).prep(links));
      }
    }
    return cases;
  }

  /** Every command's help, version, no arguments, unknown ones, missing values. */
  static List<Case> commands() {
    List<Case> cases = new ArrayList<>();
    Map<String, List<String>> positional = Map.of("sweep", List.of("DIR/spec.yaml"), "report", List.of("DIR/out"), "reproduce", List.of("egd-tables"));
    for (String cmd : List.of("train", "compare", "demo", "sweep", "report", "reproduce", "toy")) {
      for (String h : List.of("--help", "-h")) cases.add(ok(cmd + " " + h, cmd, h).extra((d, r) -> assertTrue(r.out().contains("Usage: egd " + cmd), r.out())));
      for (String v : List.of("--version", "-V")) cases.add(ok(cmd + " " + v, cmd, v).extra((d, r) -> assertTrue(r.out().startsWith("egd "), "the version: " + r.out())));
      cases.add(ok("help " + cmd, "help", cmd));
      List<String> start = concat(List.of(cmd), positional.getOrDefault(cmd, List.of()));
      cases.add(bad(cmd + " --no-such-flag", "--no-such-flag", concat(start, List.of("--no-such-flag", "--out", "DIR/out"))));
      cases.add(bad(cmd + " --out (no value)", "--out", concat(start, List.of("--out"))));
      cases.add(bad(cmd + " with a stray argument", "stray", concat(start, List.of(cmd.equals("train") ? "stray" : "DIR/spec", "stray"))));
    }
    cases.add(ok("no arguments"));
    cases.add(ok("--help", "--help"));
    cases.add(ok("--version", "--version"));
    cases.add(ok("help", "help"));
    cases.add(bad("unknown command", "frobnicate", "frobnicate"));
    cases.add(bad("help for an unknown command", "frobnicate", "help", "frobnicate"));
    cases.add(bad("sweep without a spec", "SPEC", "sweep"));
    cases.add(bad("report without a directory", "DIR", "report"));
    cases.add(bad("reproduce without an experiment", "EXPERIMENT", "reproduce"));
    cases.add(bad("train --p (no value)", "--p", "train", "--p"));
    cases.add(bad("train --p=", "--p", "train", "--p=", "--out", "DIR/out"));
    cases.add(bad("train -p (a short flag that is not one)", "-p", "train", "-p", "13", "--out", "DIR/out"));
    cases.add(bad("train --task toy", "toy", "train", "--task", "toy", "--out", "DIR/out"));
    cases.add(bad("train --method egd+", "--method", concat(List.of("train", "--method", "egd+", "--out", "DIR/out"), MODULAR)));
    cases.add(bad("train --method vanilla+egd", "--method", concat(List.of("train", "--method", "vanilla+egd", "--out", "DIR/out"), MODULAR)));
    cases.add(bad("train --method egd+egd", "--method", concat(List.of("train", "--method", "egd+egd", "--out", "DIR/out"), MODULAR)));
    cases.add(bad("train --op with parity", "--op", concat(List.of("train", "--out", "DIR/out", "--op", "mul"), PARITY)));
    cases.add(bad("train --data with modular", "--data", concat(List.of("train", "--out", "DIR/out", "--data", "DIR"), MODULAR)));
    cases.add(bad("train --rank with egd", "--rank", concat(List.of("train", "--out", "DIR/out", "--rank", "3"), MODULAR)));
    cases.add(bad("train --beta1 with sgd", "--beta1", concat(List.of("train", "--out", "DIR/out", "--beta1", "0.5"), MODULAR)));
    cases.add(bad("train --spectrum-k without --log-spectrum", "--spectrum-k", concat(List.of("train", "--out", "DIR/out", "--spectrum-k", "3"), MODULAR)));
    cases.add(bad("train --model cnn", "--model", concat(List.of("train", "--out", "DIR/out", "--model", "cnn"), MODULAR)));
    cases.add(bad("train --model transformer on parity", "--model", concat(List.of("train", "--out", "DIR/out", "--model", "transformer"), PARITY)));
    cases.add(bad("train --engine djl without the module", "--engine", concat(List.of("train", "--out", "DIR/out", "--engine", "djl"), MODULAR)));
    cases.add(bad("train --egd-layers ( (a broken regex)", "--egd-layers", concat(List.of("train", "--out", "DIR/out", "--egd-layers", "("), MODULAR)));
    cases.add(bad("train --spectrum-k 2147483647", "--spectrum-k",
        concat(List.of("train", "--out", "DIR/out", "--log-spectrum", "--spectrum-k", "2147483647"), MODULAR)));
    cases.add(bad("train --egd-rcond -1 (the library's 'default')", "--egd-rcond", concat(List.of("train", "--out", "DIR/out", "--egd-rcond", "-1"), MODULAR)));
    cases.add(bad("train --egd-rcond -Infinity", "--egd-rcond", concat(List.of("train", "--out", "DIR/out", "--egd-rcond", "-Infinity"), MODULAR)));
    cases.add(bad("train --drop-last ''", "--drop-last", concat(List.of("train", "--out", "DIR/out", "--drop-last", ""), MODULAR)));
    cases.add(bad("train --drop-last yes", "--drop-last", concat(List.of("train", "--out", "DIR/out", "--drop-last", "yes"), MODULAR)));
    cases.add(ok("train --drop-last FALSE", concat(List.of("train", "--out", "DIR/out", "--drop-last", "FALSE"), MODULAR).toArray(new String[0])));
    cases.add(bad("demo --out /dev/null", "not a directory", "demo", "--epochs", "1", "--out", "/dev/null"));
    cases.add(bad("train --resume --force", "--resume", concat(List.of("train", "--out", "DIR/out", "--resume", "--force"), MODULAR)));
    cases.add(bad("train --resume without --out", "--resume", concat(List.of("train", "--resume"), MODULAR)));
    cases.add(bad("train --resume on nothing", "--resume", concat(List.of("train", "--resume", "--out", "DIR/out"), MODULAR)));
    cases.add(new Case("train --wd 1e12 diverges (exit 3, summary kept)", concat(List.of("train", "--out", "DIR/out", "--wd", "1e12"), MODULAR),
        Set.of(3), null, null, (d, r) -> assertDiverged(d.resolve("out"))));
    cases.add(new Case("train --lr 1e6 blows up (exit 3)", concat(List.of("train", "--out", "DIR/out", "--lr", "1e6"), MODULAR),
        Set.of(3), null, null, (d, r) -> assertDiverged(d.resolve("out"))));
    cases.add(ok("train --egd-layers all on parity (EGD of a vector: g/|g|)", concat(List.of("train", "--out", "DIR/out", "--egd-layers", "all"), PARITY)
        .toArray(new String[0])));
    cases.add(any("train mnist --lr 3", Set.of(0, 3), null, concat(concat(List.of("train", "--out", "DIR/out"), MNIST), List.of("--lr", "3"))).prep(TINY_MNIST));
    cases.add(new Case("train --init-scale 1e30 diverges", concat(concat(List.of("train", "--out", "DIR/out"), MNIST), List.of("--init-scale", "1e30")),
        Set.of(3), null, TINY_MNIST, (d, r) -> assertDiverged(d.resolve("out"))));
    // compare
    cases.add(bad("compare --methods with a repeat after trimming", "--methods",
        concat(List.of("compare", "--methods", "vanilla,egd, egd", "--out", "DIR/out"), MODULAR)));
    cases.add(bad("compare --methods ,", "--method", concat(List.of("compare", "--methods", ",", "--out", "DIR/out"), MODULAR)));
    cases.add(bad("compare --methods egd --baseline vanilla", "--baseline", concat(List.of("compare", "--methods", "egd", "--out", "DIR/out"), MODULAR)));
    cases.add(bad("compare --method (train's flag)", "--method", concat(List.of("compare", "--method", "egd", "--out", "DIR/out"), MODULAR)));
    cases.add(bad("compare --resume on nothing", "--resume", concat(List.of("compare", "--methods", "vanilla,egd", "--resume", "--out", "DIR/out"), MODULAR)));
    cases.add(bad("compare --resume --force", "--resume",
        concat(List.of("compare", "--methods", "vanilla,egd", "--resume", "--force", "--out", "DIR/out"), MODULAR)));
    cases.add(bad("compare --rank with methods that have none", "--rank",
        concat(List.of("compare", "--methods", "vanilla,egd", "--rank", "3", "--out", "DIR/out"), MODULAR)));
    cases.add(new Case("compare with a diverging method exits 3 and keeps the others",
        concat(List.of("compare", "--methods", "vanilla,egd", "--wd", "1e12", "--out", "DIR/out"), MODULAR), Set.of(3), null, null,
        (d, r) -> assertTrue(Files.exists(d.resolve("out/comparison.md")), "the table is written")));
    cases.add(ok("demo, one epoch", "demo", "--epochs", "1", "--seed", "-1", "--out", "DIR/out"));
    cases.add(ok("compare, tiny and valid", concat(List.of("compare", "--methods", "vanilla,egd,egd-rsvd", "--out", "DIR/out"), MODULAR).toArray(new String[0])));
    // toy
    for (String eps : List.of("", ",", "0.1,", "0.1,,0.2", "1", "2", "0.1;0.2", "1e-400", "0x1p-3", " ")) {
      cases.add(any("toy --eps '" + eps + "'", Set.of(0, 2), "--eps", List.of("toy", "--max-steps", "1000", "--out", "DIR/out", "--eps", eps)));
    }
    for (String dim : List.of("1", "3", "-2", "65536", "46341")) cases.add(bad("toy --dim " + dim, "--dim", "toy", "--eps", "0.1", "--out", "DIR/out", "--dim", dim));
    cases.add(bad("toy --lr 2 (>= 2/m)", "--lr", "toy", "--eps", "0.1", "--out", "DIR/out", "--lr", "2"));
    cases.add(bad("toy --egd-decay 1", "--egd-decay", "toy", "--eps", "0.1", "--out", "DIR/out", "--egd-decay", "1"));
    cases.add(bad("toy --egd-lr 0.1 (eta0/(1-gamma) < 1)", "--egd-lr", "toy", "--eps", "0.1", "--out", "DIR/out", "--egd-lr", "0.1"));
    cases.add(bad("toy --tol 1", "--tol", "toy", "--eps", "0.1", "--out", "DIR/out", "--tol", "1"));
    cases.add(ok("toy, valid", "toy", "--eps", "0.1,0.01", "--out", "DIR/out"));
    return cases;
  }

  static void assertDiverged(Path run) throws Exception {
    assertEquals("diverged", RunFiles.JSON.readTree(run.resolve("summary.json").toFile()).path("status").asText());
    assertTrue(Files.readAllLines(run.resolve("metrics.csv")).size() >= 1);
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  // ---- bad files ----

  /** A stopped run in dir/out, with its checkpoint (the arguments of the same run are {@link #STOPPED}). */
  static final List<String> STOPPED = concat(concat(List.of("train", "--out", "DIR/out"), MODULAR),
      List.of("--checkpoint-every", "1", "--epochs", "6", "--stop-after", "-1"));

  static Prep stoppedRun(java.util.function.Function<byte[], byte[]> damage) {
    return cached("stopped", d -> {
      List<String> a = new ArrayList<>();
      for (String s : STOPPED) a.add(s.replace("DIR", d.toString()));
      TrainCommand cmd = new TrainCommand();
      new CommandLine(cmd).setOverwrittenOptionsAllowed(true).parseArgs(a.subList(1, a.size()).toArray(new String[0]));
      SweepTest.runAndStop(cmd.config(), d.resolve("out"), 2);
      OutputDirectory.lock(d.resolve("out"), "out", "egd train").close(); // as a run made by egd train leaves it
      assertTrue(Files.exists(d.resolve("out").resolve(RunDirectory.CHECKPOINT)));
      return null;
    }).andThen(d -> {
      Path ck = d.resolve("out").resolve(RunDirectory.CHECKPOINT);
      if (damage != null) Files.write(ck, damage.apply(Files.readAllBytes(ck)));
    });
  }

  /** A finished tiny run in dir/out, made by these train arguments. */
  static Prep finishedRun(List<String> args) {
    return cached(String.join(" ", args).replaceAll("[^A-Za-z0-9.,-]", "_"), d -> {
      List<String> a = new ArrayList<>();
      for (String s : args) a.add(s.replace("DIR", d.toString()));
      Result r = egd(a);
      assertEquals(0, r.code(), r.err());
      return null;
    });
  }

  /**
   * A preparation made once and copied into each case that uses it (runs take a while; copies do not): the
   * fixture is built in its own directory, laid out as a case's (spec.yaml, out/), then copied.
   */
  static Prep cached(String key, Prep make) {
    return d -> {
      Path f = root.resolve("fixtures").resolve(key);
      synchronized (FIXTURES) {
        if (FIXTURES.add(key)) {
          Files.createDirectories(f);
          make.prep(f);
        }
      }
      try (Stream<Path> s = Files.walk(f)) {
        for (Path p : s.toList()) {
          Path to = d.resolve(f.relativize(p).toString());
          if (Files.isDirectory(p)) Files.createDirectories(to);
          else Files.copy(p, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return null;
    };
  }

  static final Set<String> FIXTURES = new java.util.HashSet<>();

  static byte[] flip(byte[] b, int at) {
    byte[] c = b.clone();
    c[at] ^= 0x40;
    return c;
  }

  /** A checkpoint whose digest is recomputed over the damage: whole, but not what egd wrote. */
  static byte[] forged(byte[] b, java.util.function.UnaryOperator<byte[]> body) {
    try {
      int header = 2 + "egd-checkpoint/2".length() + 8;
      byte[] inner = body.apply(Arrays.copyOfRange(b, header, b.length - 32));
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(o);
      out.writeUTF("egd-checkpoint/2");
      out.writeLong(inner.length);
      out.write(inner);
      out.flush();
      byte[] head = o.toByteArray();
      o.write(MessageDigest.getInstance("SHA-256").digest(head));
      return o.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void writeIdx(Path dir, String name, int magic, int[] dims, int bytes) throws Exception {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(name)))) {
      out.writeInt(magic);
      for (int d : dims) out.writeInt(d);
      out.write(new byte[bytes]);
    }
  }

  static Prep idx(int[] imageDims, int imageBytes, int[] labelDims, int labelBytes) {
    return d -> {
      Path data = Files.createDirectories(d.resolve("data"));
      writeIdx(data, "train-images-idx3-ubyte", 0x803, imageDims, imageBytes);
      writeIdx(data, "train-labels-idx1-ubyte", 0x801, labelDims, labelBytes);
      return null;
    };
  }

  static List<Case> files() {
    List<Case> cases = new ArrayList<>();
    List<String> resume = concat(STOPPED, List.of("--resume"));
    // damaged checkpoints: refused, naming --resume, the directory as it was
    Map<String, java.util.function.Function<byte[], byte[]>> damages = new java.util.LinkedHashMap<>();
    damages.put("truncated to half", b -> Arrays.copyOf(b, b.length / 2));
    damages.put("one byte short", b -> Arrays.copyOf(b, b.length - 1));
    damages.put("one byte more", b -> Arrays.copyOf(b, b.length + 1));
    damages.put("empty", b -> new byte[0]);
    damages.put("only the magic", b -> Arrays.copyOf(b, 18));
    damages.put("a flipped bit in the body", b -> flip(b, b.length / 2));
    damages.put("a flipped bit in the digest", b -> flip(b, b.length - 3));
    damages.put("a flipped bit in the magic", b -> flip(b, 4));
    damages.put("a negative length", b -> {
      byte[] c = b.clone();
      Arrays.fill(c, 18, 26, (byte) 0xff);
      return c;
    });
    damages.put("a length of 2^62", b -> {
      byte[] c = b.clone();
      c[18] = 0x40;
      return c;
    });
    damages.put("text", b -> "not a checkpoint\n".getBytes(StandardCharsets.UTF_8));
    damages.put("forged: state cut short", b -> forged(b, body -> Arrays.copyOf(body, body.length - 100)));
    damages.put("forged: state cut to the settings", b -> forged(b, body -> Arrays.copyOf(body, Math.min(body.length, 600))));
    damages.put("forged: settings count 2^31-1", b -> forged(b, body -> {
      byte[] c = body.clone();
      c[0] = 0x7f;
      c[1] = c[2] = c[3] = (byte) 0xff;
      return c;
    }));
    damages.put("forged: state garbled", b -> forged(b, body -> {
      byte[] c = body.clone();
      for (int i = c.length - 200; i < c.length; i++) c[i] = (byte) 0xff;
      return c;
    }));
    for (var e : damages.entrySet())
      cases.add(any("train --resume, checkpoint " + e.getKey(), Set.of(2), "--resume", resume).prep(stoppedRun(e.getValue())));
    cases.add(ok("train --resume, checkpoint whole", resume.toArray(new String[0])).prep(stoppedRun(null)));
    cases.add(any("train --resume with other flags", Set.of(2), "--resume", concat(resume, List.of("--lr", "0.3"))).prep(stoppedRun(null)));
    cases.add(any("train --resume with other threads", Set.of(2), "--resume", concat(resume, List.of("--threads", "1"))).prep(stoppedRun(null)));
    cases.add(any("train without --resume on an interrupted run", Set.of(2), "--resume", STOPPED).prep(stoppedRun(null)));
    cases.add(any("compare --out on a damaged interrupted run", Set.of(2), "--out",
        concat(List.of("compare", "--methods", "vanilla,egd", "--resume"), STOPPED.subList(1, STOPPED.size()))).prep(stoppedRun(b -> Arrays.copyOf(b, 10))));

    // MNIST IDX files
    List<String> mnist = concat(concat(List.of("train", "--out", "DIR/out"), MNIST), List.of("--data", "DIR/data"));
    cases.add(any("mnist --data: header promises 2^31-1 images", Set.of(2), "--data", mnist)
        .prep(idx(new int[] {Integer.MAX_VALUE, 28, 28}, 784 * 3, new int[] {3}, 3)));
    cases.add(any("mnist --data: 2^31-1 labels", Set.of(2), "--data", mnist).prep(idx(new int[] {100, 28, 28}, 78400, new int[] {Integer.MAX_VALUE}, 100)));
    cases.add(any("mnist --data: images 16x16", Set.of(2), "--data", mnist).prep(idx(new int[] {100, 16, 16}, 25600, new int[] {100}, 100)));
    cases.add(any("mnist --data: images 28x27", Set.of(2), "--data", mnist).prep(idx(new int[] {100, 28, 27}, 75600, new int[] {100}, 100)));
    cases.add(any("mnist --data: negative count", Set.of(2), "--data", mnist).prep(idx(new int[] {-5, 28, 28}, 0, new int[] {-5}, 0)));
    cases.add(any("mnist --data: labels and images disagree", Set.of(2), "--data", mnist).prep(idx(new int[] {100, 28, 28}, 78400, new int[] {99}, 99)));
    cases.add(any("mnist --data: truncated images", Set.of(2), "--data", mnist).prep(idx(new int[] {100, 28, 28}, 700, new int[] {100}, 100)));
    cases.add(any("mnist --data: labels over 9", Set.of(2), "--data", mnist).prep(d -> {
      idx(new int[] {100, 28, 28}, 78400, new int[] {100}, 100).prep(d);
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(d.resolve("data/train-labels-idx1-ubyte")))) {
        out.writeInt(0x801);
        out.writeInt(100);
        for (int i = 0; i < 100; i++) out.write(200);
      }
      return null;
    }));
    cases.add(any("mnist --data: swapped magic", Set.of(2), "--data", mnist).prep(idx(new int[] {100, 28, 28}, 78400, new int[] {100}, 100)
        .andThen(d -> Files.move(d.resolve("data/train-labels-idx1-ubyte"), d.resolve("data/x"))).andThen(d -> {
          Files.move(d.resolve("data/train-images-idx3-ubyte"), d.resolve("data/train-labels-idx1-ubyte"));
          Files.move(d.resolve("data/x"), d.resolve("data/train-images-idx3-ubyte"));
        })));
    cases.add(any("mnist --data: a bad gzip", Set.of(2), "--data", mnist).prep(d -> {
      Path data = Files.createDirectories(d.resolve("data"));
      Files.write(data.resolve("train-images-idx3-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
      Files.write(data.resolve("train-labels-idx1-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
      return null;
    }));
    cases.add(any("mnist --data: empty directory", Set.of(2), "--data", mnist).prep(d -> {
      Files.createDirectories(d.resolve("data"));
      return null;
    }));
    cases.add(any("mnist --data: a file", Set.of(2), "--data", mnist).prep(d -> {
      Files.writeString(d.resolve("data"), "x");
      return null;
    }));
    cases.add(any("mnist --data: images file is a directory", Set.of(2), "--data", mnist).prep(d -> {
      Files.createDirectories(d.resolve("data/train-images-idx3-ubyte"));
      Files.createDirectories(d.resolve("data/train-labels-idx1-ubyte"));
      return null;
    }));
    cases.add(any("mnist --data: one image", Set.of(2), "--data", mnist).prep(idx(new int[] {1, 28, 28}, 784, new int[] {1}, 1)));
    cases.add(ok("mnist --data: a small valid set", mnist.toArray(new String[0])).prep(idx(new int[] {100, 28, 28}, 78400, new int[] {100}, 100)));

    // report on damaged summaries: exit 0, the run listed as not used, never counted
    Map<String, String> summaries = new java.util.LinkedHashMap<>();
    summaries.put("an array", "[1, 2, 3]");
    summaries.put("a string", "\"done\"");
    summaries.put("empty", "");
    summaries.put("not JSON", "{status: completed");
    summaries.put("negative epochs", null);
    summaries.put("epochs as text", null);
    summaries.put("to-target beyond the run", null);
    summaries.put("target 7", null);
    summaries.put("status unknown", null);
    summaries.put("NaN accuracy", null);
    for (var e : summaries.entrySet()) {
      cases.add(new Case("report: a summary.json that is " + e.getKey(), List.of("report", "DIR/out"), Set.of(0), null,
          sweptWithSummary(e.getKey(), e.getValue()), (d, r) -> assertTrue(r.out().contains("not used:"), "listed as not used: " + r.out())));
    }
    cases.add(new Case("report: summary.json is a directory", List.of("report", "DIR/out"), Set.of(0), null, sweep(d -> {
      Path s = firstRun(d).resolve("summary.json");
      Files.delete(s);
      Files.createDirectories(s);
    }), null));
    // damaged sweep.json
    for (String text : List.of("", "[]", "{}", "{\"spec\": 3}", "{\"spec\": {\"methods\": []}}", "not json", "{\"spec\": {\"name\": \"../x\", \"methods\": [\"egd\"]}}")) {
      cases.add(any("report: sweep.json '" + text + "'", Set.of(2), "sweep.json", List.of("report", "DIR/out")).prep(sweep(d -> Files.writeString(d.resolve("out/sweep.json"), text))));
      cases.add(any("sweep again: sweep.json '" + text + "'", Set.of(2), null, List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out"))
          .prep(sweep(d -> Files.writeString(d.resolve("out/sweep.json"), text))));
    }
    cases.add(any("report: sweep.json is a directory", Set.of(2), "sweep.json", List.of("report", "DIR/out")).prep(sweep(d -> {
      Files.delete(d.resolve("out/sweep.json"));
      Files.createDirectories(d.resolve("out/sweep.json"));
    })));
    cases.add(any("report: report.html is a directory", Set.of(2), "report.html", List.of("report", "DIR/out")).prep(sweep(d -> {
      Files.delete(d.resolve("out/report.html"));
      Files.createDirectories(d.resolve("out/report.html/x"));
    })));
    cases.add(any("report: a run directory", Set.of(2), null, List.of("report", "DIR/out")).prep(finishedRun(concat(List.of("train", "--out", "DIR/out"), MODULAR))));
    cases.add(any("report: a file", Set.of(2), null, List.of("report", "DIR/spec.yaml")).prep(d -> {
      Files.writeString(d.resolve("spec.yaml"), TINY_SPEC);
      return null;
    }));
    cases.add(any("report: /proc", Set.of(2), null, List.of("report", "/proc")));
    cases.add(new Case("report: a read-only sweep directory", List.of("report", "DIR/out"), Set.of(2), null, sweep(d -> {
      Assumptions.assumeFalse("root".equals(System.getProperty("user.name")) || isRoot(),
          "as root, permissions do not stop writes (the 'report.html is a directory' case covers a write that fails)");
      d.resolve("out").toFile().setWritable(false, false);
    }), (d, r) -> d.resolve("out").toFile().setWritable(true, false)));

    // result files that exist as directories
    cases.add(any("train --force: metrics.csv is a directory", Set.of(2), "metrics.csv", concat(List.of("train", "--out", "DIR/out", "--force"), MODULAR))
        .prep(finishedRun(concat(List.of("train", "--out", "DIR/out"), MODULAR)).andThen(d -> {
          Files.delete(d.resolve("out/metrics.csv"));
          Files.createDirectories(d.resolve("out/metrics.csv/x"));
        })));
    cases.add(any("train: summary.json is a directory", Set.of(2), "summary.json", concat(List.of("train", "--out", "DIR/out"), MODULAR))
        .prep(d -> {
          Files.createDirectories(d.resolve("out/summary.json/x"));
          return null;
        }));
    cases.add(any("train: checkpoint.bin is a directory", Set.of(2), null, concat(List.of("train", "--out", "DIR/out"), MODULAR))
        .prep(d -> {
          Files.createDirectories(d.resolve("out/checkpoint.bin/x"));
          return null;
        }));
    cases.add(any("train: .egd.lock is a directory", Set.of(2), ".egd.lock", concat(List.of("train", "--out", "DIR/out"), MODULAR))
        .prep(d -> {
          Files.createDirectories(d.resolve("out/.egd.lock/x"));
          return null;
        }));
    cases.add(any("toy: toy.csv is a directory", Set.of(2), "toy.csv", List.of("toy", "--eps", "0.1", "--out", "DIR/out")).prep(d -> {
      Files.createDirectories(d.resolve("out/toy.csv/x"));
      return null;
    }));
    cases.add(any("compare: comparison.md is a directory", Set.of(2), "comparison.md",
        concat(List.of("compare", "--methods", "vanilla,egd", "--out", "DIR/out"), MODULAR)).prep(d -> {
          Files.createDirectories(d.resolve("out/comparison.md/x"));
          return null;
        }));
    return cases;
  }

  static boolean isRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (Exception e) {
      return false;
    }
  }

  static Path firstRun(Path d) throws Exception {
    return SweepSpec.read(d.resolve("spec.yaml")).placeRuns(d.resolve("out/runs")).runs.get(0).dir();
  }

  interface Edit {
    void edit(Path dir) throws Exception;
  }

  /** A finished tiny sweep in dir/out (spec in dir/spec.yaml), then edited. */
  static Prep sweep(Edit edit) {
    return cached("sweep", d -> {
      Files.writeString(d.resolve("spec.yaml"), TINY_SPEC);
      Result r = egd(List.of("sweep", d.resolve("spec.yaml").toString(), "--quiet", "--out", d.resolve("out").toString()));
      assertEquals(0, r.code(), r.err());
      return null;
    }).andThen(edit);
  }

  static Prep sweptWithSummary(String what, String text) {
    return sweep(d -> {
      Path s = firstRun(d).resolve("summary.json");
      if (text != null) {
        Files.writeString(s, text);
        return;
      }
      var tree = (com.fasterxml.jackson.databind.node.ObjectNode) RunFiles.JSON.readTree(s.toFile());
      switch (what) {
        case "negative epochs": tree.put("epochs_run", -5); break;
        case "epochs as text": tree.put("epochs_run", "five"); break;
        case "to-target beyond the run": tree.put("epochs_to_target", 1_000_000); break;
        case "target 7": tree.put("target", 7); break;
        case "status unknown": tree.put("status", "great"); break;
        default: tree.put("final_test_acc", "NaN");
      }
      Files.write(s, RunFiles.JSON.writeValueAsBytes(tree));
    });
  }

  // ---- directories in use or holding something else ----

  static List<Case> directories() {
    List<Case> cases = new ArrayList<>();
    List<String> train = concat(List.of("train", "--out", "DIR/out"), MODULAR);
    List<String> compare = concat(List.of("compare", "--methods", "vanilla,egd", "--out", "DIR/out"), MODULAR);
    Prep locked = d -> OutputDirectory.lock(Files.createDirectories(d.resolve("out")), "out", "a test holding the lock");
    cases.add(any("train into a directory another writer holds", Set.of(2), "in use", train).prep(locked));
    cases.add(any("compare into a directory another writer holds", Set.of(2), "in use", compare).prep(locked));
    cases.add(any("sweep into a directory another writer holds", Set.of(2), "in use", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out"))
        .prep(locked.andThen(d -> Files.writeString(d.resolve("spec.yaml"), TINY_SPEC))));
    cases.add(any("train --force into a directory another writer holds", Set.of(2), "in use", concat(train, List.of("--force"))).prep(locked));
    cases.add(any("train into a directory another JVM holds", Set.of(2), "in use", train).prep(HostileInputTest::otherJvmHoldsTheLock));
    Prep finished = finishedRun(train);
    cases.add(any("train: the same finished run again", Set.of(2), "--force", train).prep(finished));
    cases.add(any("train: another run into a finished one", Set.of(2), "--force", concat(train, List.of("--seed", "4"))).prep(finished));
    cases.add(any("train --resume on a finished run", Set.of(2), "--resume", concat(train, List.of("--resume"))).prep(finished));
    cases.add(new Case("train --force replaces a finished run", concat(train, List.of("--seed", "4", "--force")), Set.of(0), null, finished,
        (d, r) -> assertEquals(4, RunFiles.JSON.readTree(d.resolve("out/summary.json").toFile()).path("seed").asInt())));
    cases.add(any("compare --out into a train run", Set.of(2), "train run", compare).prep(finished));
    cases.add(any("compare --force into a train run", Set.of(2), "train run", concat(compare, List.of("--force"))).prep(finished));
    cases.add(any("sweep --out into a train run", Set.of(2), "train run", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out"))
        .prep(finished.andThen(d -> Files.writeString(d.resolve("spec.yaml"), TINY_SPEC))));
    Prep compared = finishedRun(compare);
    cases.add(any("train --out into a comparison", Set.of(2), "comparison", train).prep(compared));
    cases.add(any("train --force into a comparison", Set.of(2), "comparison", concat(train, List.of("--force"))).prep(compared));
    cases.add(any("compare again without --resume", Set.of(2), "--resume", compare).prep(compared));
    cases.add(any("compare --resume with other flags", Set.of(2), "--resume", concat(compare, List.of("--resume", "--lr", "0.3"))).prep(compared));
    cases.add(any("compare --resume: a later method ran with other settings (refused before any run starts)", Set.of(2), "--resume",
        concat(compare, List.of("--resume"))).prep(compared.andThen(d -> {
          Files.delete(d.resolve("out/vanilla/summary.json")); // vanilla: as if killed before its first checkpoint
          Path s = d.resolve("out/egd/summary.json");
          var tree = (com.fasterxml.jackson.databind.node.ObjectNode) RunFiles.JSON.readTree(s.toFile());
          ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("config")).put("lr", 0.3);
          Files.write(s, RunFiles.JSON.writeValueAsBytes(tree));
        })));
    cases.add(ok("compare --resume of a finished comparison", concat(compare, List.of("--resume")).toArray(new String[0])).prep(compared));
    Prep swept = sweep(d -> {});
    cases.add(any("train --out into a sweep", Set.of(2), "sweep", train).prep(swept));
    cases.add(any("compare --out into a sweep", Set.of(2), "sweep", compare).prep(swept));
    cases.add(any("sweep: another spec on a sweep", Set.of(2), "--force", List.of("sweep", "DIR/other.yaml", "--quiet", "--out", "DIR/out"))
        .prep(swept.andThen(d -> Files.writeString(d.resolve("other.yaml"), TINY_SPEC.replace("p: 13", "p: 11")))));
    cases.add(ok("sweep: the same spec again (nothing to do)", "sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out").prep(swept));
    Prep foreign = d -> {
      Files.createDirectories(d.resolve("out"));
      Files.writeString(d.resolve("out/thesis.tex"), "\\begin{document}");
      Files.writeString(d.resolve("spec.yaml"), TINY_SPEC);
      return null;
    };
    cases.add(any("train into a directory of other files", Set.of(2), "thesis.tex", train).prep(foreign));
    cases.add(any("train --force into a directory of other files", Set.of(2), "thesis.tex", concat(train, List.of("--force"))).prep(foreign));
    cases.add(any("compare into a directory of other files", Set.of(2), "thesis.tex", compare).prep(foreign));
    cases.add(any("sweep into a directory of other files", Set.of(2), "thesis.tex", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out")).prep(foreign));
    cases.add(any("toy into a directory of other files", Set.of(0, 2), null, List.of("toy", "--eps", "0.1", "--out", "DIR/out")).prep(foreign));
    return cases;
  }

  /** Starts a second JVM that takes dir/out's lock and holds it until closed. */
  static AutoCloseable otherJvmHoldsTheLock(Path d) throws Exception {
    Path out = Files.createDirectories(d.resolve("out"));
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        LockHolder.class.getName(), out.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertEquals("locked", line, "the other JVM took the lock");
    return () -> {
      p.destroyForcibly().waitFor();
      Files.deleteIfExists(out.resolve(OutputDirectory.LOCK)); // what a fresh directory would have had
    };
  }

  /** The other process: locks a directory, says so, and waits to be killed. */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      try (OutputDirectory.Lock l = OutputDirectory.lock(Path.of(args[0]), "out", "another JVM")) {
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(60_000);
      }
    }
  }

  // ---- sweep specs ----

  static List<Case> specs() {
    List<Case> cases = new ArrayList<>();
    String flags = "flags: {p: 13, width: 16, batch: 16, epochs: 2, train-fraction: 0.6}\n";
    Map<String, String> specs = new java.util.LinkedHashMap<>();
    specs.put("grid values equal after parsing", "methods: [egd]\n" + flags + "grid: {wd: [0.001, 1e-3]}\n");
    specs.put("grid values equal as integers", "methods: [egd]\n" + flags + "grid: {width: [16, 016, 16.0]}\n");
    specs.put("grid values that sanitise to one label", "methods: [egd]\n" + flags + "grid: {egd-layers: ['W1', 'W1 ']}\n");
    specs.put("grid values that sanitise to one label (2)", "methods: [egd]\n" + flags + "grid: {egd-layers: ['W[1]', 'W(1)']}\n");
    specs.put("duplicate keys", "methods: [egd]\nmethods: [vanilla]\n" + flags);
    specs.put("duplicate keys in flags", "methods: [egd]\nflags: {p: 13, p: 11}\n");
    specs.put("an alias", "methods: &m [egd]\nbaseline: *m\n" + flags);
    specs.put("an alias in flags", "methods: [egd]\nflags: {p: &p 13, width: *p}\n");
    specs.put("a merge key", "methods: [egd]\nbase: &b {p: 13}\nflags: {<<: *b}\n");
    specs.put("grid of a name that is no flag", "methods: [egd]\n" + flags + "grid: {seed_x: [1]}\n");
    StringBuilder huge = new StringBuilder("methods: [vanilla, egd, colnorm]\nseeds: 100\n" + flags + "grid:\n");
    for (String k : List.of("lr", "wd", "width", "batch", "epochs", "target")) {
      huge.append("  ").append(k).append(": [");
      for (int i = 1; i <= 40; i++) huge.append(i == 1 ? "" : ", ").append(k.equals("lr") || k.equals("wd") || k.equals("target") ? String.format("0.%03d", i) : "" + i);
      huge.append("]\n");
    }
    specs.put("a grid of 40^6 x 300 runs", huge.toString());
    specs.put("name ..", "name: ..\nmethods: [egd]\n" + flags);
    specs.put("name with /", "name: a/b\nmethods: [egd]\n" + flags);
    specs.put("name with ../", "name: ../../etc\nmethods: [egd]\n" + flags);
    specs.put("config name ..", "methods: [egd]\n" + flags + "configs: [{name: '..', p: 13}]\n");
    specs.put("config name with /", "methods: [egd]\n" + flags + "configs: [{name: 'a/../../b', p: 13}]\n");
    specs.put("config name empty", "methods: [egd]\n" + flags + "configs: [{name: '', p: 13}]\n");
    specs.put("config without a name", "methods: [egd]\n" + flags + "configs: [{p: 13}]\n");
    specs.put("configs repeat a name", "methods: [egd]\n" + flags + "configs: [{name: a, p: 13}, {name: a, p: 11}]\n");
    specs.put("a 300-byte name", "name: " + LONG_NAME + "\nmethods: [egd]\n" + flags);
    specs.put("methods missing", flags);
    specs.put("methods empty", "methods: []\n" + flags);
    specs.put("methods repeat", "methods: [egd, egd]\n" + flags);
    specs.put("methods a mapping", "methods: {egd: 1}\n" + flags);
    specs.put("methods with a number", "methods: [egd, 3]\n" + flags);
    specs.put("method unknown", "methods: [egd, sgd9]\n" + flags);
    specs.put("method egd+", "methods: ['egd+']\n" + flags);
    specs.put("baseline not a method", "methods: [egd]\nbaseline: vanilla\n" + flags);
    specs.put("seeds 0", "methods: [egd]\nseeds: 0\n" + flags);
    specs.put("seeds -1", "methods: [egd]\nseeds: -1\n" + flags);
    specs.put("seeds huge", "methods: [egd]\nseeds: 100000000000\n" + flags);
    specs.put("seeds repeat", "methods: [egd]\nseeds: [1, 2, 1]\n" + flags);
    specs.put("seeds text", "methods: [egd]\nseeds: many\n" + flags);
    specs.put("seeds NaN", "methods: [egd]\nseeds: .nan\n" + flags);
    specs.put("threads 0", "methods: [egd]\nthreads: 0\n" + flags);
    specs.put("threads huge", "methods: [egd]\nthreads: 2147483648\n" + flags);
    specs.put("parallel -1", "methods: [egd]\nparallel: -1\n" + flags);
    specs.put("checkpoint_every -1", "methods: [egd]\ncheckpoint_every: -1\n" + flags);
    specs.put("checkpoint_every 1.5", "methods: [egd]\ncheckpoint_every: 1.5\n" + flags);
    specs.put("flags a list", "methods: [egd]\nflags: [p, 13]\n");
    specs.put("flags with a list value", "methods: [egd]\nflags: {p: [13, 11]}\n");
    specs.put("flags with a null", "methods: [egd]\nflags: {p: null}\n");
    specs.put("flags .nan (YAML's NaN)", "methods: [egd]\nflags: {p: 13, width: 16, batch: 16, epochs: 2, lr: .nan}\n");
    specs.put("flags .inf (YAML's infinity)", "methods: [egd]\nflags: {p: 13, width: 16, batch: 16, epochs: 2, lr: .inf}\n");
    specs.put("flags NaN", "methods: [egd]\nflags: {p: 13, width: 16, batch: 16, epochs: 2, lr: NaN}\n");
    specs.put("flags -Infinity", "methods: [egd]\nflags: {p: 13, width: 16, batch: 16, epochs: 2, wd: -Infinity}\n");
    specs.put("flags huge width", "methods: [egd]\nflags: {p: 13, width: 2147483647, batch: 16, epochs: 2}\n");
    specs.put("flags width beyond int", "methods: [egd]\nflags: {p: 13, width: 2147483648, batch: 16, epochs: 2}\n");
    specs.put("flags an unknown flag", "methods: [egd]\nflags: {frobnicate: 1}\n");
    specs.put("flags out", "methods: [egd]\nflags: {out: /tmp/x}\n");
    specs.put("flags resume", "methods: [egd]\nflags: {resume: true}\n");
    specs.put("flags seed", "methods: [egd]\nflags: {seed: 3}\n");
    specs.put("flags method", "methods: [egd]\nflags: {method: vanilla}\n");
    specs.put("flags rank for egd", "methods: [egd]\nflags: {p: 13, rank: 3}\n");
    specs.put("flags task toy", "methods: [egd]\nflags: {task: toy}\n");
    specs.put("task a list", "methods: [egd]\ntask: [parity]\n");
    specs.put("grid a list", "methods: [egd]\n" + flags + "grid: [lr, 0.1]\n");
    specs.put("grid empty", "methods: [egd]\n" + flags + "grid: {}\n");
    specs.put("grid with an empty list", "methods: [egd]\n" + flags + "grid: {lr: []}\n");
    specs.put("grid with a scalar", "methods: [egd]\n" + flags + "grid: {lr: 0.1}\n");
    specs.put("grid with a bad value", "methods: [egd]\n" + flags + "grid: {lr: [0.1, -1]}\n");
    specs.put("grid with a nested list", "methods: [egd]\n" + flags + "grid: {lr: [[0.1]]}\n");
    specs.put("grid of an unknown flag", "methods: [egd]\n" + flags + "grid: {frobnicate: [1, 2]}\n");
    specs.put("grid of method", "methods: [egd]\n" + flags + "grid: {method: [egd, vanilla]}\n");
    specs.put("method_flags for another method", "methods: [egd]\n" + flags + "method_flags: {vanilla: {epochs: 1}}\n");
    specs.put("method_flags a list", "methods: [egd]\n" + flags + "method_flags: {egd: [1]}\n");
    specs.put("method_flags with a bad value", "methods: [egd]\n" + flags + "method_flags: {egd: {epochs: -3}}\n");
    specs.put("paper for an unknown config", "methods: [egd]\n" + flags + "paper: {nope: {egd: 3}}\n");
    specs.put("paper with text", "methods: [egd]\n" + flags + "paper: {base: {egd: many}}\n");
    specs.put("paper a list", "methods: [egd]\n" + flags + "paper: [1]\n");
    specs.put("paper with a list", "methods: [egd]\n" + flags + "paper: {base: [1]}\n");
    specs.put("an unknown field", "methods: [egd]\ncolour: red\n" + flags);
    specs.put("a list", "- methods\n- egd\n");
    specs.put("a scalar", "egd\n");
    specs.put("empty", "");
    specs.put("only a comment", "# nothing\n");
    specs.put("not YAML", "methods: [egd\n");
    specs.put("tabs", "methods:\n\t- egd\n");
    specs.put("a document stream", "methods: [egd]\n" + flags + "---\nmethods: [vanilla]\n" + flags);

    specs.put("deep nesting", "methods: [egd]\nflags: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
    specs.put("a key 1 MB long", "methods: [egd]\n" + "k".repeat(1 << 20) + ": 1\n");
    specs.put("name a number", "name: 3\nmethods: [egd]\n" + flags);
    specs.put("name null", "name: ~\nmethods: [egd]\n" + flags);
    // tags YAML defines for its own types: read as the value they tag, or refused
    for (String tag : List.of("!!binary", "!foo", "!!str", "!!set"))
      cases.add(any("sweep spec: a tag " + tag, Set.of(0, 2), "spec.yaml", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out")).prep(d -> {
        Files.writeString(d.resolve("spec.yaml"), "methods: " + tag + " [egd]\n" + flags);
        return null;
      }));
    for (var e : specs.entrySet()) {
      String text = e.getValue();
      cases.add(any("sweep spec: " + e.getKey(), Set.of(2), "spec.yaml", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out")).prep(d -> {
        Files.writeString(d.resolve("spec.yaml"), text);
        return null;
      }));
    }
    // the spec file itself
    cases.add(any("sweep spec: missing", Set.of(2), "spec.yaml", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out")));
    cases.add(any("sweep spec: a directory", Set.of(2), "spec.yaml", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out")).prep(d -> {
      Files.createDirectories(d.resolve("spec.yaml"));
      return null;
    }));
    cases.add(any("sweep spec: not UTF-8", Set.of(2), "spec.yaml", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out")).prep(d -> {
      Files.write(d.resolve("spec.yaml"), new byte[] {'m', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
      return null;
    }));
    cases.add(any("sweep spec: binary", Set.of(2), "spec.yaml", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out")).prep(d -> {
      byte[] b = new byte[4096];
      new java.util.Random(3).nextBytes(b);
      Files.write(d.resolve("spec.yaml"), b);
      return null;
    }));
    cases.add(any("sweep spec: over 1 MiB", Set.of(2), "spec.yaml", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out")).prep(d -> {
      Files.writeString(d.resolve("spec.yaml"), "methods: [egd]\n" + "# padding\n".repeat(120_000));
      return null;
    }));
    cases.add(any("sweep spec: a dangling symlink", Set.of(2), "spec.yaml", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out")).prep(d -> {
      Files.createSymbolicLink(d.resolve("spec.yaml"), d.resolve("nowhere"));
      return null;
    }));
    cases.add(any("sweep spec: /dev/zero", Set.of(2), "/dev/zero", List.of("sweep", "/dev/zero", "--quiet", "--out", "DIR/out")));
    cases.add(ok("sweep spec: tiny and valid", "sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out").prep(d -> {
      Files.writeString(d.resolve("spec.yaml"), TINY_SPEC);
      return null;
    }));
    cases.add(new Case("sweep: a diverging run is recorded and the others go on (exit 3)", List.of("sweep", "DIR/spec.yaml", "--quiet", "--out", "DIR/out"),
        Set.of(3), null, d -> {
          Files.writeString(d.resolve("spec.yaml"), TINY_SPEC + "grid: {wd: [1e-4, 1e12]}\n");
          return null;
        }, (d, r) -> assertTrue(Files.exists(d.resolve("out/report.html")), "the report is written")));
    return cases;
  }
}
