package dev.lofilora.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.SharedFiles;
import dev.lofilora.common.Json;
import dev.lofilora.infer.guidance.CfgType;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import dev.lofilora.infer.sampler.NoiseSource;
import dev.lofilora.infer.sampler.SchedulerType;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.tensor.Devices;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The flow around the transformer against what ACE-Step's pipeline did in each loop case of the sampler golden
 * ({@code manifest.json["loops"][case]}: the encodes with their zeroed inputs and ERG hooks, and per iteration the
 * decodes in order, the layers hooked during each, and the guidance function with its scale and index). Run with the
 * real {@link TransformerDenoiser} on a tiny-width model that has every ERG layer, in float32 (the decisions do not
 * depend on the dtype).
 */
class ManifestFlowTest {
    @Test
    void everyLoopCaseEncodesDecodesHooksAndGuidesAsThePipelineDid() {
        Path dir = SharedFiles.require("golden/sampler/A");
        JsonNode config = Json.readTree(dir.resolve("config.json"));
        JsonNode loops = Json.readTree(dir.resolve("manifest.json")).get("loops");
        dev.lofilora.tensor.Threads threads = InferFixtures.singleThread();
        try (PointerScope scope = new PointerScope(); ACEStepTransformer2DModel model = InferFixtures.deep(ScalarType.Float)) {
            for (JsonNode c : config.get("loop_cases")) {
                String name = c.get("name").asText();
                JsonNode m = loops.get(name);
                assertNotNull(m, name);
                check(model, c, m, name);
            }
        } finally {
            threads.close();
        }
    }

    private static void check(ACEStepTransformer2DModel model, JsonNode c, JsonNode m, String name) {
        GuidanceSettings g = new GuidanceSettings(c.get("guidance_scale").asDouble(),
                c.get("guidance_interval").asDouble(), c.get("guidance_interval_decay").asDouble(),
                c.get("min_guidance_scale").asDouble(), c.get("guidance_scale_text").asDouble(),
                c.get("guidance_scale_lyric").asDouble(), CfgType.parse(c.get("cfg_type").asText()),
                c.get("zero_steps").asInt(), true);
        List<Integer> oss = new ArrayList<>();
        c.get("oss_steps").forEach(v -> oss.add(v.asInt()));
        SamplingSettings s = new SamplingSettings(SchedulerType.parse(c.get("scheduler_type").asText()),
                c.get("infer_steps").asInt(), oss, c.get("omega_scale").asDouble(), g);
        ErgSwitches erg = new ErgSwitches(false, c.get("use_erg_lyric").asBoolean(),
                c.get("use_erg_diffusion").asBoolean());
        boolean nullTextGiven = false;
        for (JsonNode e : m.get("encodes")) nullTextGiven |= e.get("text_is_given_null").asBoolean();
        JsonNode shape = m.get("latent_shape");
        int b = shape.get(0).asInt(), frames = shape.get(3).asInt();
        Conditioning cond = InferFixtures.conditions(model, b, 4, 5, 21, nullTextGiven);

        Map<Integer, List<String>> kinds = new LinkedHashMap<>();
        Map<Integer, Map<String, TreeSet<String>>> hooked = new LinkedHashMap<>();
        List<String> guidance = new ArrayList<>();
        try (FlowMatchScheduler scheduler = s.newScheduler(Devices.cpu(), ScalarType.Float);
             TransformerDenoiser d = new TransformerDenoiser(model, cond, erg, g.doDoubleCondition())) {
            d.onDecode((kind, i, names) -> {
                kinds.computeIfAbsent(i, k -> new ArrayList<>()).add(kind.id());
                Map<String, TreeSet<String>> h = hooked.computeIfAbsent(i, k -> new LinkedHashMap<>());
                if (!names.isEmpty()) h.put(kind.id(), new TreeSet<>(names));
            });
            Tensor init = InferFixtures.noise(model, b, frames, 1, ScalarType.Float);
            new DenoisingLoop(scheduler, g, s.omegaScale()).run(init, d, NoiseSource.of(torch.createCPUGenerator(1)),
                    step -> guidance.add(!step.guided() ? "none" : describe(g, step)));

            JsonNode encodes = m.get("encodes");
            assertEquals(encodes.size(), d.encodes().size(), name + ": encodes");
            for (int k = 0; k < encodes.size(); k++) {
                JsonNode e = encodes.get(k);
                TransformerDenoiser.EncodeInfo got = d.encodes().get(k);
                String at = name + " encode " + k;
                assertEquals(e.get("kind").asText(), got.kind().id(), at);
                assertEquals(e.get("text_is_zero").asBoolean(), got.textIsZero(), at + " text_is_zero");
                assertEquals(e.get("text_is_given_null").asBoolean(), got.textIsGivenNull(), at);
                assertEquals(e.get("speaker_is_zero").asBoolean(), got.speakerIsZero(), at);
                assertEquals(e.get("lyric_ids_are_zero").asBoolean(), got.lyricIdsAreZero(), at);
                assertEquals(strings(e.get("erg_hooked")), got.ergHooked(), at);
            }
            JsonNode calls = m.get("calls");
            assertEquals(calls.size(), kinds.size(), name + ": iterations");
            for (JsonNode call : calls) {
                int i = call.get("i").asInt();
                String at = name + " iteration " + i;
                assertEquals(strings(call.get("kinds")), kinds.get(i), at);
                Map<String, TreeSet<String>> expectedHooks = new LinkedHashMap<>();
                call.get("erg_diffusion_hooked").fields().forEachRemaining(f ->
                        expectedHooks.put(f.getKey(), new TreeSet<>(strings(f.getValue()))));
                assertEquals(expectedHooks, hooked.get(i), at);
                JsonNode gd = call.get("guidance");
                String expected = gd.isNull() ? "none" : gd.get("fn").asText()
                        + (gd.get("scale").isNull() ? "" : " " + gd.get("scale").asDouble())
                        + (gd.get("i").isNull() ? "" : " i=" + gd.get("i").asInt());
                assertEquals(expected, guidance.get(i), at);
            }
        }
    }

    private static String describe(GuidanceSettings g, LoopStep step) {
        if (g.doDoubleCondition()) return "cfg_double_condition_forward";
        return switch (g.cfgType()) {
            case APG -> "apg_forward " + step.scale();
            case CFG -> "cfg_forward " + step.scale();
            case CFG_STAR -> "cfg_zero_star " + step.scale() + " i=" + step.i();
        };
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
