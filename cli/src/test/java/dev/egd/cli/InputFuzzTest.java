package dev.egd.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.egd.ValidationException;
import dev.egd.experiment.Experiments;
import dev.egd.experiment.OutputDirectory;
import dev.egd.experiment.RunConfig;
import dev.egd.experiment.Setting;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Fuzzing what a user types and writes: random argument lists of the real flags and hostile values go
 * through the command line's parser and every check a command makes before it writes (but no training),
 * and random YAML, free-form and structured, through the sweep spec reader. Every outcome is a normal
 * return or a refusal in words (a {@link BadInput}, a {@link ValidationException} or picocli's
 * ParameterException); anything else is a crash a user could meet.
 */
class InputFuzzTest {
  static final List<String> COMMANDS = List.of("train", "compare", "demo", "sweep", "report", "reproduce", "toy", "help");
  static final List<String> HOSTILE = List.of("0", "-0", "1", "2", "3", "-1", "NaN", "nan", "Infinity", "-Infinity", "inf", "1e308", "-1e308", "1e-308",
      "4.9e-324", "2147483647", "2147483648", "-2147483648", "9223372036854775807", "9223372036854775808", "0x10", "1_000", " 5", "5 ", "", " ",
      "abc", "--", "-", "=", ",", ",,", "..", "/", "/proc/x", "\t", "\u00e9", "\u0000", "true", "false", "all", "first", "W1", "(", "[", "*", ".*");
  static final List<String> WORDS = List.of("egd", "vanilla", "egd-rsvd", "colnorm", "grokfast-ema", "grokfast-ma", "egd+grokfast-ema", "egd+", "+",
      "modular", "parity", "mnist", "toy", "mlp", "transformer", "cnn", "sgd", "adam", "adamw", "add", "sub", "mul", "div", "relu", "gelu",
      "squared", "hinge", "mse", "cross-entropy", "full", "running", "svd", "gram32", "gram64", "auto", "drop", "keep", "sticky", "recheck",
      "first", "random", "djl", "egd-tables", "fair-tuning", "grokfast-transformer", "vanilla,egd", "egd, egd", "vanilla,,egd");

  /** 40 training and 20 test images, so no fuzzed MNIST run reads the bundled 10,000 digits. */
  static final Path TINY_MNIST;

  static {
    try {
      TINY_MNIST = Files.createTempDirectory("egd-fuzz-mnist");
      TINY_MNIST.toFile().deleteOnExit();
      for (String set : List.of("train", "t10k")) {
        int n = set.equals("train") ? 40 : 20;
        Path images = TINY_MNIST.resolve(set + "-images-idx3-ubyte"), labels = TINY_MNIST.resolve(set + "-labels-idx1-ubyte");
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(images))) {
          o.writeInt(0x803);
          o.writeInt(n);
          o.writeInt(28);
          o.writeInt(28);
          o.write(new byte[n * 784]);
        }
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(labels))) {
          o.writeInt(0x801);
          o.writeInt(n);
          for (int i = 0; i < n; i++) o.write(i % 10);
        }
        images.toFile().deleteOnExit();
        labels.toFile().deleteOnExit();
      }
    } catch (java.io.IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Every flag of every command, by reflection (mixins included). */
  static List<String> flags() {
    List<String> out = new ArrayList<>();
    for (Class<?> c : List.of(TrainCommand.class, CompareCommand.class, DemoCommand.class, SweepCommand.class, ReportCommand.class,
        ReproduceCommand.class, ToyCommand.class)) {
      for (Option o : HostileInputTest.options(c)) for (String n : o.names()) if (!out.contains(n)) out.add(n);
    }
    out.addAll(List.of("--help", "-h", "--version", "-V", "--no-such-flag", "--p=", "-p", "---p"));
    return out;
  }

  static Arbitrary<String> values() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.of(HOSTILE)),
        net.jqwik.api.Tuple.of(5, Arbitraries.of(WORDS)),
        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(-3, 40).map(String::valueOf)),
        net.jqwik.api.Tuple.of(2, Arbitraries.doubles().map(String::valueOf)),
        net.jqwik.api.Tuple.of(2, Arbitraries.strings().all().ofMaxLength(8)));
  }

  static final Map<String, Class<?>> COMMAND_CLASSES = new LinkedHashMap<>();

  static {
    COMMAND_CLASSES.put("train", TrainCommand.class);
    COMMAND_CLASSES.put("compare", CompareCommand.class);
    COMMAND_CLASSES.put("toy", ToyCommand.class);
    COMMAND_CLASSES.put("demo", DemoCommand.class);
    COMMAND_CLASSES.put("sweep", SweepCommand.class);
    COMMAND_CLASSES.put("report", ReportCommand.class);
    COMMAND_CLASSES.put("reproduce", ReproduceCommand.class);
  }

  /** A value for a flag: mostly one of its type (small, or one of its choices), sometimes hostile. */
  static Arbitrary<String> valueFor(Class<?> command, String flag) {
    Class<?> type = HostileInputTest.type(command, flag);
    Arbitrary<String> typed;
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) typed = Arbitraries.integers().between(-1, 24).map(String::valueOf);
    else if (type == Double.class || type == double.class)
      typed = Arbitraries.of("0.001", "0.01", "0.1", "0.3", "0.5", "0.9", "0.99", "1", "1.5", "2", "1e-4", "1e-6");
    else {
      Setting<?> setting = null;
      try {
        setting = RunOptions.setting(flag);
      } catch (ValidationException e) {
        // not a run setting (--methods, --eps of toy, --out)
      }
      if (setting != null && !setting.choices().isEmpty()) typed = Arbitraries.of(setting.choices());
      else if (setting != null && setting.type() == Boolean.class) typed = Arbitraries.of("true", "false", "TRUE");
      else if (flag.equals("--method")) typed = Arbitraries.of(METHODS);
      else if (flag.equals("--methods")) typed = Arbitraries.of("vanilla,egd", "egd,colnorm", "vanilla,egd-rsvd", "egd", "grokfast-ema,grokfast-ma");
      else if (flag.equals("--eps")) typed = Arbitraries.of("0.1", "0.1,0.01", "1e-3");
      else typed = Arbitraries.of(WORDS);
    }
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, typed), net.jqwik.api.Tuple.of(2, values()));
  }

  /** Zero or more flags, each with a value of its kind or a hostile one, now and then a stray token. */
  static Arbitrary<List<String>> flagsOf(String command) {
    Class<?> c = COMMAND_CLASSES.get(command);
    List<String> names = new ArrayList<>();
    for (Option o : HostileInputTest.options(c)) names.add(o.names()[o.names().length - 1]);
    if (names.isEmpty()) return Arbitraries.just(List.of());
    Arbitrary<List<String>> pair = Arbitraries.of(names).flatMap(f -> HostileInputTest.takesNoValue(c, f) ? Arbitraries.just(List.of(f))
        : valueFor(c, f).map(v -> List.of(f, v)));
    Arbitrary<List<String>> stray = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, Arbitraries.of(flags()).map(List::of)),
        net.jqwik.api.Tuple.of(1, values().map(List::of)));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(40, pair), net.jqwik.api.Tuple.of(1, stray)).list().ofMaxSize(6).map(l -> {
      List<String> out = new ArrayList<>();
      l.forEach(out::addAll);
      return out;
    });
  }

  /** A command, the small sizes that keep a check quick (often), and fuzzed flags after them (which win). */
  @Provide Arbitrary<List<String>> argumentLists() {
    Arbitrary<String> command = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(10, Arbitraries.just("train")),
        net.jqwik.api.Tuple.of(4, Arbitraries.just("compare")), net.jqwik.api.Tuple.of(3, Arbitraries.just("toy")),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("demo", "sweep", "report", "reproduce", "help")));
    return command.flatMap(cmd -> {
      Arbitrary<List<String>> rest = cmd.equals("help") ? Arbitraries.of(COMMANDS).map(List::of) : flagsOf(cmd);
      List<String> small = List.of("--p", "13", "--width", "16", "--batch", "16");
      boolean run = cmd.equals("train") || cmd.equals("compare");
      return Combinators.combine(Arbitraries.of(true, true, false), rest).as((sized, r) -> {
        List<String> a = new ArrayList<>(List.of(cmd));
        if (cmd.equals("sweep") || cmd.equals("report")) a.add("spec-or-dir");
        if (cmd.equals("reproduce")) a.add("egd-tables");
        if (run && sized) a.addAll(small);
        a.addAll(r);
        return a;
      });
    });
  }

  /**
   * Parses as the command line does, then makes the checks the command makes before it writes anything:
   * the run of train, every run of compare, toy's settings. Never trains.
   */
  @Property(tries = 300)
  void flagsAreAcceptedOrRefusedInWords(@ForAll("argumentLists") List<String> args) throws Exception {
    List<String> a = new ArrayList<>(args);
    if (a.stream().anyMatch(s -> s.toLowerCase(java.util.Locale.ROOT).contains("mnist"))) a.addAll(1, List.of("--data", TINY_MNIST.toString()));
    try {
      CommandLine.ParseResult parsed = Main.commandLine().parseArgs(a.toArray(new String[0]));
      if (!parsed.hasSubcommand()) {
        net.jqwik.api.statistics.Statistics.collect("parsed");
        return;
      }
      Object command = parsed.subcommand().commandSpec().userObject();
      if (command instanceof TrainCommand) {
        TrainCommand t = (TrainCommand) command;
        if (t.out != null) OutputDirectory.checkUsable(t.out, "out");
        RunConfig c = t.config();
        Experiments.prepare(c, List.of(c.get(RunConfig.METHOD, "egd")));
      } else if (command instanceof CompareCommand) {
        CompareCommand cmp = (CompareCommand) command;
        RunConfig c = cmp.options.toConfig();
        List<String> methods = new ArrayList<>();
        for (String m : cmp.methods) methods.add(m.trim());
        for (String m : methods) Experiments.prepare(c.with(RunConfig.METHOD, m), methods);
      } else if (command instanceof ToyCommand) {
        ToyCommand toy = (ToyCommand) command;
        ToyCommand.parseEps(toy.eps, toy.m);
        new dev.egd.toy.TwoScaleToy.Settings(toy.dim, toy.m, toy.lr == null ? 1 / toy.m : toy.lr, toy.egdLr, toy.egdDecay, toy.tol, toy.maxSteps, toy.seed);
      }
      net.jqwik.api.statistics.Statistics.collect(command instanceof TrainCommand || command instanceof CompareCommand || command instanceof ToyCommand
          ? "valid" : "parsed");
    } catch (CommandLine.ParameterException | BadInput | ValidationException e) {
      net.jqwik.api.statistics.Statistics.collect(e instanceof CommandLine.ParameterException ? "refused by the parser" : "refused by a check");
      if (System.getenv("EGD_FUZZ_DEBUG") != null) net.jqwik.api.statistics.Statistics.label("why").collect(e.getMessage().replaceAll("[:'(].*", ""));
      assertRefusedInWords(e);
    }
  }

  static void assertRefusedInWords(Exception e) {
    assertNotNull(e.getMessage(), e.toString());
    String first = e.getMessage().split("\\R", 2)[0];
    assertFalse(first.isBlank(), e.toString());
    assertFalse(first.matches(".*\\b(java|javax|dev\\.egd|com\\.fasterxml)\\.[\\w.$]*(Exception|Error)\\b.*"), "an exception's name in the message: " + first);
  }

  // ---- sweep specs ----

  static final List<String> FRAGMENTS = List.of("methods: [egd]", "methods: [vanilla, egd]", "methods: egd", "methods:", "  - egd", "  - vanilla",
      "- egd", "methods: [egd, egd]", "baseline: vanilla", "baseline: egd", "seeds: 2", "seeds: [0, 1]", "seeds: 0", "seeds: -3", "name: x",
      "name: ..", "name: a/b", "flags: {p: 13, width: 16, batch: 16}", "flags:", "  p: 13", "  width: 16", "  batch: 16", "  lr: .nan",
      "  p: 2147483648", "flags: {task: mnist, data: TINY, train-points: 20, batch: 10}", "flags: {task: parity, n: 8, k: 2, train-size: 40}",
      "configs:", "  - {name: a, p: 11}", "  - {name: a, p: 13}", "  - name: b", "    op: mul", "configs: [{p: 13}]", "grid: {lr: [0.1, 0.2]}",
      "grid: {wd: [0.001, 1e-3]}", "grid:", "  lr: [0.1, 0.5]", "  wd: []", "grid: {}", "threads: 2", "threads: 0", "parallel: 1",
      "checkpoint_every: 5", "method_flags: {egd: {epochs: 3}}", "method_flags: {vanilla: {lr: 0.5}}", "paper: {base: {egd: 116}}",
      "paper: {base: [1]}", "task: parity", "model: transformer", "&a methods: [egd]", "methods: &m [egd]", "baseline: *m", "x: *m", "<<: *m",
      "---", "...", "%YAML 1.2", "? a", ": b", "!!str x: 1", "methods: !!seq [egd]", "'methods': ['egd']", "\"flags\": {\"p\": 7}", "# comment",
      "", "  ", "\t", "{", "}", "[", "]", "- - -", "a: b: c", "key with spaces: 1", "null: ~", "~: null", "true: false", "1: 2",
      "methods: [egd]\n" + "x".repeat(3000) + ": 1");

  /** A valid spec, line by line: the free-form fuzzer mutates it. */
  static final List<String> BASE_SPEC = List.of("name: fuzz", "methods: [vanilla, egd]", "seeds: 2",
      "flags: {p: 13, width: 16, batch: 16, epochs: 3}", "configs:", "  - {name: add, op: add}", "  - {name: mul, op: mul}",
      "grid: {lr: [0.5, 1.0]}", "threads: 1", "method_flags: {vanilla: {epochs: 2}}", "paper: {add: {vanilla: 5392, egd: 116}}");

  /**
   * The base spec with up to four mutations: a line removed, repeated, replaced by a fragment or indented
   * differently, a fragment inserted, a value swapped for a hostile one, a character inserted.
   */
  @Provide Arbitrary<String> yamlText() {
    Arbitrary<int[]> mutation = Arbitraries.integers().between(0, 1 << 20).array(int[].class).ofSize(3);
    Arbitrary<String> junk = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789 :-[]{},&*!#'\"\t.|>%@`?").ofMaxLength(12);
    return Combinators.combine(mutation.list().ofMaxSize(4), junk.list().ofSize(5)).as((muts, junks) -> {
      List<String> lines = new ArrayList<>(BASE_SPEC);
      int k = 0;
      for (int[] m : muts) {
        int at = lines.isEmpty() ? 0 : m[1] % lines.size();
        switch (new int[] {0, 1, 2, 3, 4, 4, 4, 5, 6}[m[0] % 9]) {
          case 0: if (!lines.isEmpty()) lines.remove(at); break;
          case 1: if (!lines.isEmpty()) lines.add(at, lines.get(at)); break;
          case 2: if (!lines.isEmpty()) lines.set(at, FRAGMENTS.get(m[2] % FRAGMENTS.size())); break;
          case 3: lines.add(at, FRAGMENTS.get(m[2] % FRAGMENTS.size())); break;
          case 4: {
            if (lines.isEmpty()) break;
            String hostile = m[2] % 2 == 0 ? HOSTILE.get(m[2] % HOSTILE.size()) : WORDS.get(m[2] % WORDS.size());
            java.util.regex.Matcher v = java.util.regex.Pattern.compile("(?<=[:\\[,{] ?)[A-Za-z0-9.+-]+").matcher(lines.get(at));
            List<int[]> spans = new ArrayList<>();
            while (v.find()) spans.add(new int[] {v.start(), v.end()});
            if (spans.isEmpty()) break;
            int[] sp = spans.get(m[2] % spans.size());
            String l = lines.get(at);
            lines.set(at, l.substring(0, sp[0]) + (hostile.isEmpty() || hostile.isBlank() ? "''" : hostile) + l.substring(sp[1]));
            break;
          }
          case 5: if (!lines.isEmpty()) lines.set(at, " ".repeat(m[2] % 3) + lines.get(at).strip()); break;
          default: {
            if (lines.isEmpty()) break;
            String l = lines.get(at), j2 = junks.get(k++ % junks.size());
            int pos = l.isEmpty() ? 0 : m[2] % l.length();
            lines.set(at, l.substring(0, pos) + j2 + l.substring(pos));
          }
        }
      }
      return String.join("\n", lines).replace("TINY", TINY_MNIST.toString()) + "\n";
    });
  }

  @Property(tries = 300)
  void yamlTextIsReadOrRefusedInWords(@ForAll("yamlText") String text) throws Exception {
    readSpec(text);
  }

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final List<String> SETTING_NAMES;

  static {
    List<String> names = new ArrayList<>();
    for (Setting<?> s : RunConfig.settings()) {
      names.add(s.name());
      if (s.name().contains("_")) names.add(s.name().replace('_', '-')); // a spec may write a flag either way
    }
    names.addAll(List.of("seed", "method", "out", "resume", "frobnicate"));
    SETTING_NAMES = names;
  }

  static Arbitrary<Object> scalar() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(-3, 40).map(i -> (Object) i)),
        net.jqwik.api.Tuple.of(2, Arbitraries.of(0.0, -1.0, 0.5, 1e-3, 0.001, 1e308, Double.NaN, Double.POSITIVE_INFINITY, 2147483648.0).map(d -> (Object) d)),
        net.jqwik.api.Tuple.of(3, Arbitraries.of(WORDS).map(w -> (Object) w)),
        net.jqwik.api.Tuple.of(2, Arbitraries.of(HOSTILE).map(w -> (Object) w)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(true, false).map(b -> (Object) b)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of(1, 2))),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new LinkedHashMap<>(Map.of("a", 1)))));
  }

  static Arbitrary<Map<String, Object>> flagMap(int max) {
    return Arbitraries.maps(Arbitraries.of(SETTING_NAMES), scalar()).ofMaxSize(max).map(m -> {
      Map<String, Object> out = new LinkedHashMap<>(m);
      if ("mnist".equals(out.get("task"))) out.put("data", TINY_MNIST.toString());
      return out;
    });
  }

  /** Mostly {@code good}, sometimes {@code hostile}. */
  static Arbitrary<Object> mostly(Arbitrary<?> good, Arbitrary<?> hostile) {
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, good.map(o -> (Object) o)), net.jqwik.api.Tuple.of(1, hostile.map(o -> (Object) o)));
  }

  static final List<String> METHODS = List.of("vanilla", "egd", "egd-rsvd", "colnorm", "grokfast-ema", "grokfast-ma", "egd+grokfast-ema");

  /** Flag values that apply to every method, each a (flag, value) a spec may well give. */
  static final List<Map.Entry<String, Object>> GOOD_FLAGS = List.of(Map.entry("lr", 0.5), Map.entry("wd", 1e-3), Map.entry("epochs", 3),
      Map.entry("target", 0.5), Map.entry("stop-after", 0), Map.entry("op", "mul"), Map.entry("train_fraction", 0.7), Map.entry("split-seed", 4),
      Map.entry("activation", "tanh"), Map.entry("optimizer", "adam"), Map.entry("eval-every", 5), Map.entry("drop_last", false),
      Map.entry("p", 11), Map.entry("width", 8), Map.entry("batch", 8), Map.entry("train-metrics", "running"));

  static Arbitrary<Map<String, Object>> goodFlags(int max) {
    return Arbitraries.of(GOOD_FLAGS).list().ofMaxSize(max).map(l -> {
      Map<String, Object> m = new LinkedHashMap<>();
      for (var e : l) m.put(e.getKey(), e.getValue());
      return m;
    });
  }

  /** Specs built as a tree of the real fields, most of them valid and small, some hostile. */
  @Provide Arbitrary<Map<String, Object>> structuredSpecs() {
    Arbitrary<Object> methods = mostly(Arbitraries.of(METHODS).set().ofMinSize(1).ofMaxSize(3).map(ArrayList::new),
        Arbitraries.oneOf(Arbitraries.of(WORDS).list().ofMaxSize(3), scalar()));
    Arbitrary<Object> seeds = mostly(Arbitraries.oneOf(Arbitraries.integers().between(1, 3), Arbitraries.of(List.of(0, 5), List.of(3))),
        Arbitraries.oneOf(Arbitraries.integers().between(-2, 9).list().ofMaxSize(3), scalar()));
    Arbitrary<Object> configs = mostly(Combinators.combine(Arbitraries.of("add", "mul-p11", "a.b", "x=1"), goodFlags(2)).as((n, f) -> {
      Map<String, Object> m = new LinkedHashMap<>(f);
      m.put("name", n);
      return m;
    }).list().ofMinSize(1).ofMaxSize(2).uniqueElements(m -> m.get("name")), Combinators.combine(Arbitraries.of("a", "..", "a/b", "", "\u00e9", "b"), flagMap(2))
        .as((n, f) -> {
          Map<String, Object> m = new LinkedHashMap<>(f);
          m.put("name", n);
          return m;
        }).list().ofMinSize(0).ofMaxSize(2));
    Arbitrary<Object> grid = mostly(Arbitraries.of(Map.of("lr", List.of(0.5, 1.0)), Map.of("wd", List.of(1e-4, 1e-3, 1e-2)), Map.of("op", List.of("add", "sub")),
        new LinkedHashMap<>(Map.of("lr", List.of(0.1, 0.3), "width", List.of(8, 16)))),
        Arbitraries.maps(Arbitraries.of(SETTING_NAMES), scalar().list().ofMaxSize(3)).ofMaxSize(2));
    Arbitrary<Object> small = mostly(Arbitraries.integers().between(0, 3), scalar());
    Arbitrary<Object> perMethod = mostly(Arbitraries.of(METHODS).map(m -> Map.of(m, Map.of("epochs", 2))), Arbitraries.maps(Arbitraries.of(WORDS),
        flagMap(2)).ofMaxSize(2));
    Arbitrary<Object> paper = mostly(Arbitraries.of("base", "add").map(c -> Map.of(c, Map.of("egd", 116))), Arbitraries.maps(Arbitraries.of("base", "a", "zz"),
        Arbitraries.maps(Arbitraries.of(WORDS), scalar()).ofMaxSize(2)).ofMaxSize(2));
    Map<String, Arbitrary<Object>> fields = new LinkedHashMap<>();
    fields.put("name", mostly(Arbitraries.of("x", "wd-study", "a.b_c"), Arbitraries.of("..", "a/b", "", ".", 3)));
    fields.put("methods", methods);
    fields.put("baseline", Arbitraries.of(WORDS).map(w -> (Object) w)); // rarely one of the methods
    fields.put("seeds", seeds);
    fields.put("flags", mostly(goodFlags(3), flagMap(3)));
    fields.put("configs", configs);
    fields.put("grid", grid);
    fields.put("threads", small);
    fields.put("parallel", small);
    fields.put("checkpoint_every", small);
    fields.put("method_flags", perMethod);
    fields.put("paper", paper);
    fields.put("task", mostly(Arbitraries.of("modular", "parity"), Arbitraries.of(WORDS)));
    fields.put("model", mostly(Arbitraries.of("mlp"), Arbitraries.of(WORDS)));
    fields.put("colour", scalar());
    List<Arbitrary<Map.Entry<String, Object>>> entries = new ArrayList<>();
    for (var e : fields.entrySet()) {
      String key = e.getKey();
      int present = key.equals("methods") ? 20 : key.equals("colour") || key.equals("baseline") ? 1 : 4;
      entries.add(Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(present,
          e.getValue().map(v -> (Map.Entry<String, Object>) new java.util.AbstractMap.SimpleEntry<>(key, v))),
          net.jqwik.api.Tuple.of(key.equals("colour") ? 40 : key.equals("methods") ? 1 : 6, Arbitraries.just((Map.Entry<String, Object>) null))));
    }
    return Combinators.combine(entries).as(list -> {
      Map<String, Object> spec = new LinkedHashMap<>();
      // small runs unless the fuzzed flags say otherwise
      spec.put("flags", new LinkedHashMap<>(Map.of("p", 13, "width", 16, "batch", 16)));
      for (Map.Entry<String, Object> e : list) {
        if (e == null) continue;
        if (e.getKey().equals("flags") && e.getValue() instanceof Map) {
          @SuppressWarnings("unchecked") Map<String, Object> f = (Map<String, Object>) spec.get("flags");
          f.putAll((Map<String, Object>) e.getValue());
        } else {
          spec.put(e.getKey(), e.getValue());
        }
      }
      if ("parity".equals(spec.get("task"))) {
        @SuppressWarnings("unchecked") Map<String, Object> f = (Map<String, Object>) spec.get("flags");
        f.remove("p");
        f.putIfAbsent("n", 8);
        f.putIfAbsent("k", 2);
        f.putIfAbsent("train-size", 64);
        f.putIfAbsent("test-size", 64);
      }
      return spec;
    });
  }

  @Property(tries = 300, edgeCases = net.jqwik.api.EdgeCasesMode.NONE) // edge cases would be the hostile alternatives every time
  void structuredSpecsAreReadOrRefusedInWords(@ForAll("structuredSpecs") Map<String, Object> spec) throws Exception {
    readSpec(YAML.writeValueAsString(spec));
  }

  /** Reads a spec as {@code egd sweep} does (every run built and validated), and places its runs under a sweep directory. */
  static void readSpec(String text) throws Exception {
    Path f = Files.createTempFile("egd-fuzz", ".yaml");
    try {
      Files.writeString(f, text);
      SweepSpec s = SweepSpec.read(f);
      s.placeRuns(f.resolveSibling("egd-fuzz-sweep"));
      net.jqwik.api.statistics.Statistics.collect("valid");
    } catch (BadInput | ValidationException e) {
      String m = e.getMessage();
      net.jqwik.api.statistics.Statistics.collect(m.contains("YAML") || m.contains("mapping of fields") ? "refused as YAML" : "refused by a check");
      if (System.getenv("EGD_FUZZ_DEBUG") != null) net.jqwik.api.statistics.Statistics.label("why").collect(m.replaceAll("^[^:]*: ", "").replaceAll("[:(\\[].*", ""));
      assertRefusedInWords(e);
    } finally {
      Files.delete(f);
    }
  }
}
