package dev.lofilora.infer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.ConformanceSuite;
import dev.lofilora.conformance.SuiteResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The "sampler" golden suite (../shared/golden/sampler/README.md): ACE-Step's schedulers, guidance rules, guidance
 * interval and decay, {@code oss_steps} and whole denoising loops, recomputed by the production classes of
 * {@code dev.lofilora.infer} from the folder's {@code config.json} and {@code inputs.safetensors} alone. Every count,
 * case and shape comes from the folder; an output family whose config field is absent is not computed (and so
 * reported as skipped).
 */
public final class SamplerConformanceSuite implements ConformanceSuite {
    /** Config fields of which a sampler folder has at least one. */
    static final List<String> FAMILY_FIELDS = List.of("sched_N", "step_N", "guidance", "interval_cases", "loop_cases");

    @Override
    public String name() { return "sampler"; }

    /** A folder with inputs and outputs, no weights, and a config.json with one of the sampler families' fields. */
    @Override
    public boolean accepts(Path folder) {
        Path config = folder.resolve("config.json");
        if (!Files.isRegularFile(config) || !Files.isRegularFile(folder.resolve("inputs.safetensors"))
                || !Files.isRegularFile(folder.resolve("outputs.safetensors"))
                || Files.exists(folder.resolve("weights.safetensors"))) {
            return false;
        }
        try {
            JsonNode root = Json.readTree(config);
            return root.isObject() && !root.has("_class_name") && FAMILY_FIELDS.stream().anyMatch(root::has);
        } catch (LofiException e) {
            return false;
        }
    }

    @Override
    public SuiteResult compute(Path folder, ConformanceContext ctx) {
        ctx.progress().start("sampler goldens", 5);
        try (SamplerGolden g = new SamplerGolden(folder, ctx)) {
            ScheduleCases.run(g);
            ctx.progress().advance(1, "schedules");
            StepCases.run(g);
            ctx.progress().advance(1, "step trajectories");
            GuidanceCases.run(g);
            ctx.progress().advance(1, "guidance rules");
            IntervalCases.run(g);
            ctx.progress().advance(1, "guidance intervals");
            LoopCases.run(g);
            ctx.progress().advance(1, "denoising loops");
            return g.build();
        } finally {
            ctx.progress().finish();
        }
    }
}
