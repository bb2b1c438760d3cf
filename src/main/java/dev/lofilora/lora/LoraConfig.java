package dev.lofilora.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A LoRA adapter's settings with PEFT's semantics (research/acestep.md §3.2–3.3): rank {@code r}, {@code lora_alpha},
 * rsLoRA scaling, the target modules and dropout. PEFT's other {@code LoraConfig} fields are fixed at the defaults
 * ACE-Step uses ({@code bias "none"}, {@code init_lora_weights true}, no DoRA, no rank/alpha patterns); a config that
 * asks for anything else is refused rather than silently trained differently.
 *
 * @param r             rank (≥ 1)
 * @param alpha         {@code lora_alpha}
 * @param useRslora     scale by {@code alpha/√r} (rsLoRA) instead of {@code alpha/r}
 * @param targetModules module names matched as PEFT does: a module is wrapped when its dotted path equals a target or
 *                      ends with {@code "." + target}
 * @param targetRegex   instead of a list, PEFT also accepts one regular expression matched against the whole path;
 *                      null when {@code targetModules} is used
 * @param dropout       {@code lora_dropout} on the adapter's input (train mode only)
 */
public record LoraConfig(int r, double alpha, boolean useRslora, List<String> targetModules, String targetRegex,
                         double dropout) {
    /** The section of {@code config/lofi_lora_config.json} that holds the adapter settings. */
    public static final String SECTION = "lora";

    /** ACE-Step's eight targets ({@code config/zh_rap_lora_config.json}). */
    public static final List<String> ACESTEP_TARGETS = List.of("speaker_embedder", "linear_q", "linear_k", "linear_v",
            "to_q", "to_k", "to_v", "to_out.0");

    public LoraConfig {
        if (r < 1) throw new IllegalArgumentException("r must be ≥ 1, got " + r);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("lora_dropout must be in [0, 1)");
        targetModules = targetModules == null ? List.of() : List.copyOf(targetModules);
        if (targetModules.isEmpty() == (targetRegex == null)) {
            throw new IllegalArgumentException("give either a list of target modules or one regex");
        }
    }

    /** The released adapter's settings: r 256, alpha 32, rsLoRA, ACE-Step's eight targets, no dropout. */
    public static LoraConfig acestepDefault() {
        return new LoraConfig(256, 32, true, ACESTEP_TARGETS, null, 0.0);
    }

    /** The same targets and flags at another rank and alpha. */
    public LoraConfig withRank(int rank, double newAlpha) {
        return new LoraConfig(rank, newAlpha, useRslora, targetModules, targetRegex, dropout);
    }

    /** The output scale of the adapter: {@code alpha/√r} with rsLoRA, else {@code alpha/r}. */
    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** Whether the module at dotted {@code path} is a target (PEFT's {@code _check_target_module_exists}). */
    public boolean matches(String path) {
        if (targetRegex != null) return Pattern.compile(targetRegex).matcher(path).matches();
        for (String t : targetModules) if (path.equals(t) || path.endsWith("." + t)) return true;
        return false;
    }

    /** The {@code lora} section of {@code config/lofi_lora_config.json} (or of {@code --config DIR}). */
    public static LoraConfig read(ConfigFiles configs) {
        Path where = configs.describe("lofi_lora_config.json");
        JsonNode root = configs.readJson("lofi_lora_config.json");
        JsonNode n = root.get(SECTION);
        if (n == null || !n.isObject()) {
            throw new LofiException(where, "has no \"" + SECTION + "\" section", "restore it from the project's config/");
        }
        return fromPeftJson(n, where);
    }

    /**
     * Parses PEFT's {@code LoraConfig} JSON ({@code adapter_config.json}, ACE-Step's {@code lora_config.json}, the
     * {@code lora_adapter_metadata} of a diffusers file, or our {@code lora} section). Unknown fields are ignored
     * when they hold PEFT's defaults; a field that changes the maths (DoRA, a bias, rank patterns) is refused.
     */
    public static LoraConfig fromPeftJson(JsonNode n, Path source) {
        try {
            JsonNode r = n.get("r");
            if (r == null || !r.canConvertToInt()) throw bad(source, "has no integer \"r\"");
            double alpha = n.has("lora_alpha") ? n.get("lora_alpha").asDouble() : 8; // PEFT's default alpha
            boolean rs = n.path("use_rslora").asBoolean(false);
            double dropout = n.path("lora_dropout").asDouble(0.0);
            String bias = n.path("bias").asText("none");
            if (!bias.equals("none")) throw bad(source, "asks for bias \"" + bias + "\"; only \"none\" is supported");
            if (n.path("use_dora").asBoolean(false)) throw bad(source, "asks for DoRA, which is not supported");
            if (n.path("fan_in_fan_out").asBoolean(false)) throw bad(source, "sets fan_in_fan_out, not supported");
            for (String f : new String[] {"rank_pattern", "alpha_pattern"}) {
                JsonNode p = n.get(f);
                if (p != null && !p.isNull() && p.size() > 0) throw bad(source, "sets " + f + ", not supported");
            }
            JsonNode t = n.get("target_modules");
            List<String> targets = new ArrayList<>();
            String regex = null;
            if (t == null || t.isNull()) throw bad(source, "has no \"target_modules\"");
            if (t.isTextual()) regex = t.asText();
            else if (t.isArray()) for (JsonNode e : t) targets.add(e.asText());
            else throw bad(source, "\"target_modules\" must be a list of names or one regex");
            return new LoraConfig(r.asInt(), alpha, rs, targets, regex, dropout);
        } catch (IllegalArgumentException e) {
            throw bad(source, e.getMessage());
        }
    }

    private static LofiException bad(Path source, String problem) {
        return new LofiException(source, problem, "fix the LoRA config (PEFT LoraConfig fields: r, lora_alpha, "
                + "use_rslora, target_modules, lora_dropout)");
    }

    /**
     * PEFT's {@code LoraConfig.to_dict()} subset written as {@code adapter_config.json} (and the
     * {@code lora_adapter_metadata} of safetensors files): every field PEFT needs to rebuild this adapter, with
     * PEFT's defaults for the rest.
     */
    public ObjectNode toPeftJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putNull("alpha_pattern");
        o.putNull("base_model_name_or_path");
        o.put("bias", "none");
        o.put("fan_in_fan_out", false);
        o.put("inference_mode", false);
        o.put("init_lora_weights", true);
        if (alpha == Math.rint(alpha)) o.put("lora_alpha", (long) alpha); // PEFT writes an int when it is one
        else o.put("lora_alpha", alpha);
        o.put("lora_dropout", dropout);
        o.putNull("modules_to_save");
        o.put("peft_type", "LORA");
        o.put("r", r);
        o.putNull("rank_pattern");
        if (targetRegex != null) o.put("target_modules", targetRegex);
        else targetModules.forEach(o.putArray("target_modules")::add);
        o.putNull("task_type");
        o.put("use_dora", false);
        o.put("use_rslora", useRslora);
        return o;
    }
}
