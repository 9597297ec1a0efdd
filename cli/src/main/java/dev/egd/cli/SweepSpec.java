package dev.egd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.egd.ValidationException;
import dev.egd.experiment.Experiments;
import dev.egd.experiment.RunConfig;

/**
 * A sweep: configurations x grid x methods x seeds, each a {@code train} run. Read from YAML:
 *
 * <pre>
 * name: wd-study              # optional label
 * methods: [vanilla, egd]     # required
 * baseline: vanilla           # speed-ups are measured against it (default: vanilla if listed, else the first)
 * seeds: 3                    # a count (0, 1, 2) or a list [0, 5, 7]
 * flags: {p: 97, epochs: 3000}  # any train flag (without --), the same for every run
 * configs:                    # optional named variants, each a set of flags (task included)
 *   - {name: add-p97, op: add, p: 97}
 * grid: {wd: [1e-4, 1e-3]}    # every combination of these values
 * threads: 1                  # threads per run (default 1)
 * parallel: 2                 # runs at a time (default: cores)
 * checkpoint_every: 100       # evaluations between checkpoints (default 100)
 * method_flags: {vanilla: {epochs: 600}}       # flags for one method only (applied last)
 * paper: {add-p97: {vanilla: 5392, egd: 116}}   # published figures shown beside ours
 * </pre>
 *
 * Every field is checked, and every run built (so every flag value validated), before anything runs.
 */
final class SweepSpec {
  static final List<String> FIELDS = List.of("name", "task", "model", "methods", "baseline", "seeds", "flags", "configs", "grid",
      "threads", "parallel", "checkpoint_every", "paper", "method_flags");

  /** One run of the sweep: its place in the grid, its settings (method and seed included) and its directory. */
  record Run(String config, String grid, String method, long seed, RunConfig settings, Path dir) {
    String group() { return config + (grid.isEmpty() ? "" : " " + grid); }
  }

  final String source;
  final ObjectNode tree; // normalised spec, stored in sweep.json
  final String name;
  final List<String> methods;
  final String baseline;
  final List<Long> seeds;
  final int threads;
  final Integer parallel;
  final long checkpointEvery;
  final Map<String, Map<String, Double>> paper;
  final List<Run> runs = new ArrayList<>();
  final List<String> gridKeys = new ArrayList<>();
  final Map<String, Map<String, String>> methodFlags;

  private static final YAMLFactory YAML_FACTORY = YAMLFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper YAML = new ObjectMapper(YAML_FACTORY);
  /** Largest spec file read: a spec is a page of text. */
  static final long MAX_SPEC_BYTES = 1 << 20;
  /** Most runs a sweep may have. */
  static final long MAX_RUNS = 100_000;

  static SweepSpec read(Path file) {
    if (!Files.isRegularFile(file)) throw new BadInput("sweep spec " + file + " does not exist (or is not a file)");
    JsonNode root;
    try {
      if (Files.size(file) > MAX_SPEC_BYTES) throw new BadInput(file + ": larger than " + MAX_SPEC_BYTES + " bytes; a sweep spec is a page of YAML");
      String text = Files.readString(file);
      refuseAliases(file, text);
      root = YAML.readTree(text);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new BadInput(file + ": not UTF-8 text");
    } catch (IOException e) {
      String m = String.valueOf(e.getMessage()).split("\n")[0];
      if (m.contains("Duplicate field")) throw new BadInput(file + ": " + m.replace("Duplicate field", "a key is given twice:"));
      throw new BadInput(file + ": not valid YAML: " + m);
    }
    return new SweepSpec(file.toString(), root, null);
  }

  /** YAML aliases (*name) would be read as the alias's name, not its value: refused rather than misread. */
  private static void refuseAliases(Path file, String text) throws IOException {
    try (com.fasterxml.jackson.dataformat.yaml.YAMLParser p = (com.fasterxml.jackson.dataformat.yaml.YAMLParser) YAML_FACTORY.createParser(text)) {
      while (p.nextToken() != null) {
        if (p.isCurrentAlias())
          throw new BadInput(file + ": line " + p.currentLocation().getLineNr() + ": YAML aliases (*" + p.getText()
              + ") are not supported; write the value out");
      }
    }
  }

  /** @param runRoot where run directories go (null: decided later by {@link #placeRuns}) */
  SweepSpec(String source, JsonNode root, Path runRoot) { this(source, root, runRoot, null); }

  /** As above, reporting progress to {@code progress} (every 2 s) while a large spec is checked. */
  SweepSpec(String source, JsonNode root, Path runRoot, java.io.PrintStream progress) {
    this.source = source;
    if (root == null || !root.isObject()) throw bad("", "the spec must be a mapping of fields (" + String.join(", ", FIELDS) + ")");
    this.tree = (ObjectNode) root.deepCopy();
    for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!FIELDS.contains(f)) throw bad(f, "unknown field; valid fields: " + String.join(", ", FIELDS));
    }
    name = text(root, "name", "sweep");
    if (!name.matches("[A-Za-z0-9._-]{1,100}") || name.equals(".") || name.equals(".."))
      throw bad("name", "letters, digits and . _ - only (it names a directory), at most 100: " + name);
    JsonNode m = root.get("methods");
    if (m == null) throw bad("methods", "required: a list of methods, e.g. [vanilla, egd]");
    methods = new ArrayList<>();
    if (m.isTextual()) methods.add(m.asText());
    else if (m.isArray()) for (int i = 0; i < m.size(); i++) {
      if (!m.get(i).isTextual()) throw bad("methods[" + i + "]", "must be a method name");
      methods.add(m.get(i).asText());
    }
    else throw bad("methods", "must be a list of method names");
    if (methods.isEmpty()) throw bad("methods", "must name at least one method");
    if (new java.util.HashSet<>(methods).size() != methods.size()) throw bad("methods", "lists a method twice");
    for (String method : methods) {
      try {
        dev.egd.experiment.Methods.parse(method);
      } catch (ValidationException x) {
        throw bad("methods", "unknown method or combination '" + method + "': it " + x.constraint());
      }
    }
    baseline = text(root, "baseline", methods.contains("vanilla") ? "vanilla" : methods.get(0));
    if (!methods.contains(baseline)) throw bad("baseline", "must be one of the methods " + methods + ": " + baseline);
    seeds = new ArrayList<>();
    JsonNode s = root.get("seeds");
    if (s == null) seeds.add(0L);
    else if (s.isIntegralNumber()) {
      if (s.asLong() < 1 || s.asLong() > 10_000) throw bad("seeds", "a count must be in [1, 10000]: " + s.asText());
      for (long i = 0; i < s.asLong(); i++) seeds.add(i);
    } else if (s.isArray()) {
      if (s.isEmpty()) throw bad("seeds", "empty list");
      for (int i = 0; i < s.size(); i++) {
        if (!s.get(i).isIntegralNumber()) throw bad("seeds[" + i + "]", "must be an integer: " + s.get(i));
        if (seeds.contains(s.get(i).asLong())) throw bad("seeds[" + i + "]", "repeats seed " + s.get(i).asLong());
        seeds.add(s.get(i).asLong());
      }
    } else throw bad("seeds", "must be a count or a list of integers: " + s);
    threads = (int) integer(root, "threads", 1, 1, 256);
    parallel = root.has("parallel") ? (int) integer(root, "parallel", 1, 1, 256) : null;
    checkpointEvery = integer(root, "checkpoint_every", 100, 0, Long.MAX_VALUE);

    Map<String, String> common = new LinkedHashMap<>();
    if (root.has("task")) common.put("task", scalar(root.get("task"), "task"));
    if (root.has("model")) common.put("model", scalar(root.get("model"), "model"));
    JsonNode flags = root.get("flags");
    if (flags != null) {
      if (!flags.isObject()) throw bad("flags", "must be a mapping of train flags to values, e.g. {p: 97}");
      for (Iterator<Map.Entry<String, JsonNode>> it = flags.fields(); it.hasNext();) {
        var e = it.next();
        common.put(e.getKey(), scalar(e.getValue(), "flags." + e.getKey()));
      }
    }
    // named configurations
    List<String> configNames = new ArrayList<>();
    List<Map<String, String>> configFlags = new ArrayList<>();
    JsonNode configs = root.get("configs");
    if (configs == null) {
      configNames.add("base");
      configFlags.add(Map.of());
    } else {
      if (!configs.isArray() || configs.isEmpty()) throw bad("configs", "must be a non-empty list of {name: ..., flag: value}");
      for (int i = 0; i < configs.size(); i++) {
        JsonNode c = configs.get(i);
        String at = "configs[" + i + "]";
        if (!c.isObject()) throw bad(at, "must be a mapping with a name and flags");
        Map<String, String> f = new LinkedHashMap<>();
        String cname = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext();) {
          var e = it.next();
          if (e.getKey().equals("name")) cname = scalar(e.getValue(), at + ".name");
          else f.put(e.getKey(), scalar(e.getValue(), at + "." + e.getKey()));
        }
        if (cname == null || !cname.matches("[A-Za-z0-9._=-]{1,100}") || cname.equals(".") || cname.equals(".."))
          throw bad(at + ".name", "required, letters, digits and . _ = - only (it names a directory), at most 100: " + cname);
        if (configNames.contains(cname)) throw bad(at + ".name", "repeats " + cname);
        configNames.add(cname);
        configFlags.add(f);
      }
    }
    // grid
    List<List<String>> gridValues = new ArrayList<>();
    JsonNode grid = root.get("grid");
    if (grid != null) {
      if (!grid.isObject()) throw bad("grid", "must be a mapping of train flags to lists of values, e.g. {wd: [1e-4, 1e-3]}");
      if (grid.isEmpty()) throw bad("grid", "empty grid: give at least one flag and its values, or leave the field out");
      for (Iterator<Map.Entry<String, JsonNode>> it = grid.fields(); it.hasNext();) {
        var e = it.next();
        String at = "grid." + e.getKey();
        if (!e.getValue().isArray()) throw bad(at, "must be a list of values");
        if (e.getValue().isEmpty()) throw bad(at, "empty list: give at least one value");
        List<String> vals = new ArrayList<>();
        for (int i = 0; i < e.getValue().size(); i++) vals.add(scalar(e.getValue().get(i), at + "[" + i + "]"));
        refuseRepeats(at, e.getKey(), vals);
        gridKeys.add(e.getKey());
        gridValues.add(vals);
      }
    }
    long count = (long) configNames.size() * methods.size() * seeds.size();
    for (List<String> vals : gridValues) count = count > MAX_RUNS ? count : count * vals.size();
    if (count > MAX_RUNS) throw bad("grid", "more than " + MAX_RUNS + " runs (configurations x grid x methods x seeds): make it smaller");
    List<Map<String, String>> combos = new ArrayList<>();
    combos.add(new LinkedHashMap<>());
    for (int g = 0; g < gridKeys.size(); g++) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> c : combos) for (String v : gridValues.get(g)) {
        Map<String, String> n = new LinkedHashMap<>(c);
        n.put(gridKeys.get(g), v);
        next.add(n);
      }
      combos = next;
    }
    if (combos.size() * (long) configNames.size() * methods.size() * seeds.size() > 100_000)
      throw bad("grid", "more than 100,000 runs: make the grid smaller");
    Map<String, Map<String, String>> perMethod = new LinkedHashMap<>();
    JsonNode mf = root.get("method_flags");
    if (mf != null) {
      if (!mf.isObject()) throw bad("method_flags", "must map method names to {flag: value}");
      for (Iterator<Map.Entry<String, JsonNode>> it = mf.fields(); it.hasNext();) {
        var e = it.next();
        if (!methods.contains(e.getKey())) throw bad("method_flags." + e.getKey(), "not one of the methods " + methods);
        if (!e.getValue().isObject()) throw bad("method_flags." + e.getKey(), "must be a mapping of flags to values");
        Map<String, String> f = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> jt = e.getValue().fields(); jt.hasNext();) {
          var g = jt.next();
          f.put(g.getKey(), scalar(g.getValue(), "method_flags." + e.getKey() + "." + g.getKey()));
        }
        perMethod.put(e.getKey(), f);
      }
    }
    this.methodFlags = perMethod;
    // paper figures
    paper = new LinkedHashMap<>();
    JsonNode p = root.get("paper");
    if (p != null) {
      if (!p.isObject()) throw bad("paper", "must map configuration names to {method: figure}");
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext();) {
        var e = it.next();
        if (!configNames.contains(e.getKey())) throw bad("paper." + e.getKey(), "not a configuration name; valid: " + configNames);
        Map<String, Double> byMethod = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> jt = e.getValue().fields(); jt.hasNext();) {
          var f = jt.next();
          if (!f.getValue().isNumber()) throw bad("paper." + e.getKey() + "." + f.getKey(), "must be a number");
          byMethod.put(f.getKey(), f.getValue().asDouble());
        }
        paper.put(e.getKey(), byMethod);
      }
    }

    // every run, each built (and so validated) once per configuration, combination and method
    Map<String, String> placed = new java.util.HashMap<>();
    long lastProgress = System.nanoTime();
    for (int ci = 0; ci < configNames.size(); ci++) {
      for (Map<String, String> combo : combos) {
        String gridLabel = label(combo);
        for (String method : methods) {
          Map<String, String> all = new LinkedHashMap<>(common);
          all.putAll(configFlags.get(ci));
          all.putAll(combo);
          all.putAll(methodFlags.getOrDefault(method, Map.of()));
          RunConfig c = RunConfig.empty();
          for (var e : all.entrySet()) {
            if (List.of("method", "seed", "out", "resume", "quiet", "threads").contains(e.getKey()))
              throw bad(where(e.getKey(), configFlags.get(ci), combo, ci), "is set by the sweep itself; use the methods, seeds and threads fields");
            String name = e.getKey().replace('-', '_');
            try {
              c = c.with(name, e.getValue());
            } catch (ValidationException x) {
              String at = where(e.getKey(), configFlags.get(ci), combo, ci);
              if (!RunConfig.settings().stream().anyMatch(st -> st.name().equals(name))) throw bad(at, "not a train flag (see 'egd train --help')");
              throw bad(at, BadInput.of(x).getMessage());
            }
          }
          c = c.with(RunConfig.THREADS, threads).with(RunConfig.CHECKPOINT_EVERY, checkpointEvery).with(RunConfig.METHOD, method);
          validate(c, method, all, configFlags.get(ci), combo, ci);
          for (long seed : seeds) {
            Path dir = Path.of(configNames.get(ci) + (gridLabel.isEmpty() ? "" : "__" + gridLabel), method.replaceAll("[^A-Za-z0-9._+-]", "_"), "seed" + seed);
            String clash = placed.put(dir.toString(), configNames.get(ci) + " " + label(combo) + " " + method);
            if (clash != null)
              throw bad("grid", "two runs would share the directory " + dir + " (" + clash + " and " + configNames.get(ci) + " " + label(combo) + " " + method
                  + "): grid values must differ after their labels are made file-safe");
            Path full = runRoot == null ? dir : runRoot.resolve(dir).normalize();
            if (runRoot != null && !full.startsWith(runRoot.normalize())) throw bad("configs", "a run directory would leave the sweep directory: " + dir);
            runs.add(new Run(configNames.get(ci), gridLabel, method, seed, c.with(RunConfig.SEED, seed), full));
          }
          if (progress != null && System.nanoTime() - lastProgress > 2_000_000_000L) {
            lastProgress = System.nanoTime();
            progress.printf(Locale.ROOT, "egd sweep: %d of %d runs checked...%n", runs.size(), count);
          }
        }
      }
    }
  }

  /** Two grid values that mean the same setting (0.001 and 1e-3) would be one run counted twice. */
  private void refuseRepeats(String at, String key, List<String> vals) {
    String name = key.replace('-', '_');
    if (RunConfig.settings().stream().noneMatch(st -> st.name().equals(name))) return; // reported as not a flag later
    Map<Object, String> seen = new LinkedHashMap<>();
    for (String v : vals) {
      Object parsed;
      try {
        parsed = RunConfig.setting(name).parse(v);
      } catch (ValidationException x) {
        return; // reported with the run that has it
      }
      String before = seen.put(parsed, v);
      if (before != null) throw bad(at, "lists the same value twice (" + before + " and " + v + "): one run would be counted twice");
    }
  }

  static String label(Map<String, String> combo) {
    StringBuilder sb = new StringBuilder();
    for (var e : combo.entrySet()) sb.append(sb.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
    return sb.toString().replaceAll("[^A-Za-z0-9._=,+-]", "_");
  }

  private String where(String flag, Map<String, String> config, Map<String, String> combo, int ci) {
    for (var e : methodFlags.entrySet()) if (e.getValue().containsKey(flag)) return "method_flags." + e.getKey() + "." + flag;
    if (combo.containsKey(flag)) return "grid." + flag;
    if (config.containsKey(flag)) return "configs[" + ci + "]." + flag;
    if (flag.equals("task") || flag.equals("model")) return tree.has(flag) ? flag : "flags." + flag;
    return "flags." + flag;
  }

  /** Builds the run as `train` would; an error names the spec field that set the setting at fault. */
  private void validate(RunConfig c, String method, Map<String, String> all, Map<String, String> config, Map<String, String> combo, int ci) {
    try {
      Experiments.prepare(c, methods);
    } catch (ValidationException e) {
      String key = e.parameter().replace('_', '-');
      String field;
      if (e.parameter().equals("method")) field = "methods";
      else if (e.parameter().equals("threads") || e.parameter().equals("checkpoint_every")) field = e.parameter();
      else if (all.containsKey(key)) field = where(key, config, combo, ci) + " (method " + method + ")";
      else field = "flags (method " + method + ")";
      throw bad(field, BadInput.of(e).getMessage());
    }
  }

  private BadInput bad(String field, String what) {
    return new BadInput(source + (field.isEmpty() ? "" : ": " + field) + ": " + what);
  }

  private String text(JsonNode root, String f, String dflt) {
    JsonNode n = root.get(f);
    if (n == null) return dflt;
    if (!n.isTextual()) throw bad(f, "must be text: " + n);
    return n.asText();
  }

  private long integer(JsonNode root, String f, long dflt, long min, long max) {
    JsonNode n = root.get(f);
    if (n == null) return dflt;
    if (!n.isIntegralNumber()) throw bad(f, "must be an integer: " + n);
    if (n.asLong() < min || n.asLong() > max) throw bad(f, "must be in [" + min + ", " + (max == Long.MAX_VALUE ? "inf" : max) + "]: " + n.asLong());
    return n.asLong();
  }

  private String scalar(JsonNode n, String at) {
    if (n == null || n.isNull()) throw bad(at, "needs a value");
    if (n.isContainerNode()) throw bad(at, "must be a single value, not " + (n.isArray() ? "a list" : "a mapping"));
    if (n.isBoolean()) return String.valueOf(n.asBoolean());
    if (n.isNumber()) return n.isIntegralNumber() ? n.asText() : String.format(Locale.ROOT, "%s", n.numberValue());
    return n.asText();
  }

  /** The same sweep rooted at dir. */
  SweepSpec placeRuns(Path dir) {
    return new SweepSpec(source, tree, dir);
  }

  /** The same sweep rooted at dir, with progress while it is checked. */
  SweepSpec placeRuns(Path dir, java.io.PrintStream progress) {
    return new SweepSpec(source, tree, dir, progress);
  }
}
