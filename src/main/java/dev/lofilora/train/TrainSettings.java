package dev.lofilora.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * The hyper-parameters of a training run, read from {@code config/training_defaults.json} (field names there; README
 * "Training" explains each). ACE-Step's trainer values are the defaults (research/acestep.md §3.1, §3.6–3.9) except
 * {@code max_steps} (100,000 rather than 2,000,000), {@code precision} (bf16 base weights, fp32 LoRA) and REPA, which
 * needs SSL features in the caches ({@code repa: "auto"}).
 *
 * @param precision "bf16" (frozen base in bf16, LoRA/grads/AdamW in fp32) or "fp32"
 * @param repa      "auto" (on when every cache holds SSL features for every REPA head) or "off"
 * @param threads   libtorch intra-op threads; 0 = libtorch's default
 */
public record TrainSettings(long maxSteps, long checkpointEvery, int keepCheckpoints, double learningRate,
                            double weightDecay, double adamBeta1, double adamBeta2, double adamEps, long warmupSteps,
                            double maxGradNorm, int batchSize, int gradAccumulation, int bucketFrames, long seed,
                            String precision, boolean gradientCheckpointing, int numTrainTimesteps, double shift,
                            double logitMean, double logitStd, double cfgDropoutText, double cfgDropoutSpeaker,
                            double cfgDropoutLyrics, String repa, double sslCoeff, int maxBadSteps, int threads,
                            boolean tf32, boolean foreach) {
    public static final String FILE = "training_defaults.json";

    /** Fields that change the numbers a run computes; a resumed run must keep them (the others are operational). */
    public static final Set<String> OPERATIONAL = Set.of("checkpoint_every", "keep_checkpoints", "threads");

    public TrainSettings {
        check(maxSteps >= 1, "max_steps must be ≥ 1");
        check(checkpointEvery >= 1, "checkpoint_every must be ≥ 1");
        check(keepCheckpoints >= 1, "keep_checkpoints must be ≥ 1");
        check(learningRate >= 0 && weightDecay >= 0, "learning_rate and weight_decay must be ≥ 0");
        check(adamBeta1 >= 0 && adamBeta1 < 1 && adamBeta2 >= 0 && adamBeta2 < 1, "adam betas must be in [0, 1)");
        check(adamEps > 0, "adam_eps must be > 0");
        check(warmupSteps >= 0, "warmup_steps must be ≥ 0");
        check(maxGradNorm > 0, "max_grad_norm must be > 0");
        check(batchSize >= 1 && gradAccumulation >= 1, "batch_size and grad_accumulation must be ≥ 1");
        check(bucketFrames >= 1, "bucket_frames must be ≥ 1");
        check(precision.equals("bf16") || precision.equals("fp32"), "precision must be \"bf16\" or \"fp32\"");
        check(numTrainTimesteps >= 2 && shift > 0 && logitStd > 0, "timestep settings out of range");
        for (double p : new double[] {cfgDropoutText, cfgDropoutSpeaker, cfgDropoutLyrics}) {
            check(p >= 0 && p <= 1, "cfg_dropout_* must be in [0, 1]");
        }
        check(repa.equals("auto") || repa.equals("off"), "repa must be \"auto\" or \"off\"");
        check(maxBadSteps >= 1, "max_bad_steps must be ≥ 1");
        check(threads >= 0, "threads must be ≥ 0");
    }

    private static void check(boolean ok, String problem) {
        if (!ok) throw new IllegalArgumentException(problem);
    }

    /** The settings of {@code config/training_defaults.json} (or {@code --config DIR}); unknown fields are refused. */
    public static TrainSettings read(ConfigFiles configs) {
        Path where = configs.describe(FILE);
        JsonNode n = configs.readJson(FILE);
        try {
            return fromJson(n);
        } catch (IllegalArgumentException e) {
            throw new LofiException(where, e.getMessage(), "fix the field (README 'Training' lists them)");
        }
    }

    /** Parses the JSON form; absent fields are errors, so a config file always states every setting. */
    public static TrainSettings fromJson(JsonNode n) {
        Set<String> known = Set.of("max_steps", "checkpoint_every", "keep_checkpoints", "learning_rate", "weight_decay",
                "adam_beta1", "adam_beta2", "adam_eps", "warmup_steps", "max_grad_norm", "batch_size",
                "grad_accumulation", "bucket_frames", "seed", "precision", "gradient_checkpointing",
                "num_train_timesteps", "shift", "logit_mean", "logit_std", "cfg_dropout_text", "cfg_dropout_speaker",
                "cfg_dropout_lyrics", "repa", "ssl_coeff", "max_bad_steps", "threads", "tf32", "foreach");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.startsWith("_") && !known.contains(f)) throw new IllegalArgumentException("unknown field \"" + f + "\"");
        }
        return new TrainSettings(l(n, "max_steps"), l(n, "checkpoint_every"), i(n, "keep_checkpoints"),
                d(n, "learning_rate"), d(n, "weight_decay"), d(n, "adam_beta1"), d(n, "adam_beta2"), d(n, "adam_eps"),
                l(n, "warmup_steps"), d(n, "max_grad_norm"), i(n, "batch_size"), i(n, "grad_accumulation"),
                i(n, "bucket_frames"), l(n, "seed"), s(n, "precision"), b(n, "gradient_checkpointing"),
                i(n, "num_train_timesteps"), d(n, "shift"), d(n, "logit_mean"), d(n, "logit_std"),
                d(n, "cfg_dropout_text"), d(n, "cfg_dropout_speaker"), d(n, "cfg_dropout_lyrics"), s(n, "repa"),
                d(n, "ssl_coeff"), i(n, "max_bad_steps"), i(n, "threads"), b(n, "tf32"), b(n, "foreach"));
    }

    private static JsonNode need(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) throw new IllegalArgumentException("missing field \"" + f + "\"");
        return v;
    }

    private static long l(JsonNode n, String f) {
        JsonNode v = need(n, f);
        if (!v.canConvertToLong() || !v.isIntegralNumber()) throw new IllegalArgumentException("\"" + f + "\" must be an integer");
        return v.asLong();
    }

    private static int i(JsonNode n, String f) { return Math.toIntExact(l(n, f)); }

    private static double d(JsonNode n, String f) {
        JsonNode v = need(n, f);
        if (!v.isNumber()) throw new IllegalArgumentException("\"" + f + "\" must be a number");
        return v.asDouble();
    }

    private static String s(JsonNode n, String f) {
        JsonNode v = need(n, f);
        if (!v.isTextual()) throw new IllegalArgumentException("\"" + f + "\" must be a string");
        return v.asText();
    }

    private static boolean b(JsonNode n, String f) {
        JsonNode v = need(n, f);
        if (!v.isBoolean()) throw new IllegalArgumentException("\"" + f + "\" must be true or false");
        return v.asBoolean();
    }

    /** The JSON form (config snapshot of a run). */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("max_steps", maxSteps);
        o.put("checkpoint_every", checkpointEvery);
        o.put("keep_checkpoints", keepCheckpoints);
        o.put("learning_rate", learningRate);
        o.put("weight_decay", weightDecay);
        o.put("adam_beta1", adamBeta1);
        o.put("adam_beta2", adamBeta2);
        o.put("adam_eps", adamEps);
        o.put("warmup_steps", warmupSteps);
        o.put("max_grad_norm", maxGradNorm);
        o.put("batch_size", batchSize);
        o.put("grad_accumulation", gradAccumulation);
        o.put("bucket_frames", bucketFrames);
        o.put("seed", seed);
        o.put("precision", precision);
        o.put("gradient_checkpointing", gradientCheckpointing);
        o.put("num_train_timesteps", numTrainTimesteps);
        o.put("shift", shift);
        o.put("logit_mean", logitMean);
        o.put("logit_std", logitStd);
        o.put("cfg_dropout_text", cfgDropoutText);
        o.put("cfg_dropout_speaker", cfgDropoutSpeaker);
        o.put("cfg_dropout_lyrics", cfgDropoutLyrics);
        o.put("repa", repa);
        o.put("ssl_coeff", sslCoeff);
        o.put("max_bad_steps", maxBadSteps);
        o.put("threads", threads);
        o.put("tf32", tf32);
        o.put("foreach", foreach);
        return o;
    }

    /** A copy with one JSON field replaced (CLI overrides, tests); validated like a file. */
    public TrainSettings with(String field, Object value) {
        ObjectNode o = toJson();
        o.set(field, Json.MAPPER.valueToTree(value));
        return fromJson(o);
    }
}
