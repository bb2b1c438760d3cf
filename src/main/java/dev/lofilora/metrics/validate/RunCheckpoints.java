package dev.lofilora.metrics.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.infer.Text2MusicPipeline;
import dev.lofilora.model.tiny.TinyPreset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of a {@code lofi train} run folder that {@code lofi validate --run} generates for: its
 * {@code run.json} (which base model it trained on) and its complete {@code checkpoints/step-NNNNNN/} folders (PEFT
 * adapter + {@code training_state.json}; hidden temporary folders of an interrupted write are ignored). Read here
 * rather than through {@code train.CheckpointStore} because metrics may not use train (DESIGN §2); the layout is the
 * one DESIGN §3.8 fixes.
 *
 * @param run         the run folder
 * @param model       the base model for generation: "tiny" or an ACE-Step v1 checkpoint folder
 * @param checkpoints the chosen checkpoints, oldest first
 */
public record RunCheckpoints(Path run, String model, List<Checkpoint> checkpoints) {
    static final String RUN_JSON = "run.json";
    static final String ADAPTER = "adapter_model.safetensors";
    static final String ADAPTER_CONFIG = "adapter_config.json";
    static final String STATE = "training_state.json";
    private static final Pattern NAME = Pattern.compile("step-(\\d{6,})");

    /**
     * One checkpoint: its folder name (the label), step, folder and the sha256 of its adapter files (what the
     * generated clips depend on; a retrained step of the same name has another hash).
     */
    public record Checkpoint(String label, long step, Path dir, String sha256) {}

    public RunCheckpoints {
        checkpoints = List.copyOf(checkpoints);
    }

    /**
     * Reads {@code run} and picks checkpoints by {@code selection}: {@code all} (null too), {@code last}, or one step
     * or a comma list of steps ({@code 500}, {@code 500,1000}). {@code modelOverride} (null: run.json's) replaces the
     * base model. Every problem — not a run folder, no checkpoints, a step the run does not have, a base model that
     * cannot be found — is a {@link LofiException} raised before anything is written.
     */
    public static RunCheckpoints read(Path run, String selection, String modelOverride) {
        if (!Files.isDirectory(run)) {
            throw new LofiException(run, Files.exists(run) ? "is not a folder" : "does not exist",
                    "point --run at a training run folder (lofi train --out runs/<name>)");
        }
        Path runJson = run.resolve(RUN_JSON);
        if (!Files.isRegularFile(runJson)) {
            throw new LofiException(run, "is not a training run (it has no " + RUN_JSON + ")",
                    "point --run at the folder lofi train wrote (it holds run.json and checkpoints/)");
        }
        JsonNode json = Json.readTree(runJson);
        List<Checkpoint> all = list(run);
        if (all.isEmpty()) {
            throw new LofiException(run.resolve("checkpoints"), "holds no complete checkpoint (step-NNNNNN/ with "
                    + ADAPTER + " and " + STATE + ")", "train until the first checkpoint is written "
                    + "(checkpoint_every), or point --run at another run");
        }
        String model = modelOverride != null ? checkModel(modelOverride) : baseModel(runJson, json);
        return new RunCheckpoints(run, model, select(run, all, selection));
    }

    /** The labels of the run's complete checkpoints ({@code step-000010}), oldest first. */
    private static List<Checkpoint> list(Path run) {
        Path dir = run.resolve("checkpoints");
        if (!Files.isDirectory(dir)) return List.of();
        TreeMap<Long, Path> found = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p.resolve(STATE)) && Files.isRegularFile(p.resolve(ADAPTER))) {
                    found.put(Long.parseLong(m.group(1)), p);
                }
            });
        } catch (IOException e) {
            throw new LofiException(dir, "cannot be listed: " + e.getMessage(), "check its permissions");
        }
        List<Checkpoint> out = new ArrayList<>();
        found.forEach((step, p) -> out.add(new Checkpoint(p.getFileName().toString(), step, p, null)));
        return out;
    }

    private static List<Checkpoint> select(Path run, List<Checkpoint> all, String selection) {
        String sel = selection == null ? "all" : selection.strip().toLowerCase(Locale.ROOT);
        List<Checkpoint> chosen;
        if (sel.equals("all")) {
            chosen = all;
        } else if (sel.equals("last")) {
            chosen = List.of(all.get(all.size() - 1));
        } else {
            Set<Long> steps = new LinkedHashSet<>();
            for (String part : sel.split(",")) {
                String t = part.strip().replaceFirst("^step-", "");
                if (!t.matches("\\d{1,18}")) {
                    throw new LofiException("--checkpoints \"" + selection + "\": \"" + part.strip() + "\" is not a step",
                            "use all, last, a step (500) or a comma list of steps (500,1000)");
                }
                steps.add(Long.parseLong(t));
            }
            List<Long> missing = new ArrayList<>();
            chosen = new ArrayList<>();
            for (long step : steps) {
                Checkpoint c = all.stream().filter(x -> x.step() == step).findFirst().orElse(null);
                if (c == null) missing.add(step);
                else chosen.add(c);
            }
            if (!missing.isEmpty()) {
                throw new LofiException(run.resolve("checkpoints"), "has no checkpoint for step(s) " + missing
                        + "; it has " + all.stream().map(c -> Long.toString(c.step())).toList(),
                        "choose among those steps, or use --checkpoints all|last");
            }
            chosen.sort(java.util.Comparator.comparingLong(Checkpoint::step));
        }
        List<Checkpoint> hashed = new ArrayList<>();
        for (Checkpoint c : chosen) hashed.add(new Checkpoint(c.label(), c.step(), c.dir(), sha256(c.dir())));
        return hashed;
    }

    /**
     * The base model of run.json's {@code identity.model}: "tiny", or the transformer folder lofi train loaded, whose
     * ACE-Step checkpoint folder (the parent of {@code ace_step_transformer/}) generation needs.
     */
    private static String baseModel(Path runJson, JsonNode json) {
        String m = json.at("/identity/model/model").asText("");
        if (m.isEmpty()) {
            throw new LofiException(runJson, "names no base model (identity.model.model)",
                    "give the model with --model tiny or --model <ACE-Step v1 checkpoint folder>");
        }
        if (TinyPreset.isTiny(m)) return TinyPreset.NAME;
        Path p = Path.of(m);
        if (Files.isDirectory(p.resolve(Text2MusicPipeline.TRANSFORMER_DIR))) return p.toString();
        Path abs = p.toAbsolutePath().normalize();
        if (abs.getParent() != null && abs.getFileName().toString().equals(Text2MusicPipeline.TRANSFORMER_DIR)
                && Files.isDirectory(abs)) {
            return abs.getParent().toString();
        }
        throw new LofiException(runJson, "trained on " + m + ", which is not inside an ACE-Step v1 checkpoint folder "
                + "(with " + Text2MusicPipeline.TRANSFORMER_DIR + "/, music_dcae_f8c8/, music_vocoder/, umt5-base/) here",
                "give the checkpoint folder with --model <ACE-Step-v1-3.5B folder>");
    }

    /** {@code --model}: "tiny" or a folder holding {@code ace_step_transformer/}. */
    private static String checkModel(String model) {
        if (TinyPreset.isTiny(model)) return TinyPreset.NAME;
        Path p = Path.of(model);
        if (!Files.isDirectory(p.resolve(Text2MusicPipeline.TRANSFORMER_DIR))) {
            throw new LofiException(p, Files.isDirectory(p) ? "has no " + Text2MusicPipeline.TRANSFORMER_DIR + "/"
                    : "does not exist", "give --model tiny or an ACE-Step v1 checkpoint folder");
        }
        return p.toString();
    }

    /** sha256 over the adapter's weights and config (streamed: a rank-256 adapter is hundreds of MB). */
    static String sha256(Path checkpoint) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String name : new String[] {ADAPTER_CONFIG, ADAPTER}) {
                Path f = checkpoint.resolve(name);
                if (!Files.isRegularFile(f)) continue;
                md.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new LofiException(checkpoint, "cannot be read: " + e.getMessage(), "check the checkpoint's files", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
