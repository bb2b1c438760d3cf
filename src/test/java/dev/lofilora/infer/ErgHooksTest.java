package dev.lofilora.infer;

import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ERG hooks act on exactly the layers ACE-Step names (transformer blocks 15–19 {@code attn.to_q} and
 * {@code cross_attn.to_q} during the unconditional decode; lyric-encoder layers 4–5 {@code self_attn.linear_q} while
 * the null condition is encoded), each × 0.01, and on nothing when switched off. Checked on a tiny-width model that
 * has all those layers: a hooked pass equals a pass of a copy of the model whose named layers have their weight and
 * bias scaled by 0.01 (the same linear map), within float32 round-off.
 */
class ErgHooksTest {
    private static ACEStepTransformer2DModel model;
    private static ACEStepTransformer2DModel scaled;

    private static dev.lofilora.tensor.Threads threads;

    @BeforeAll
    static void build() {
        threads = InferFixtures.singleThread();
        model = InferFixtures.deep(ScalarType.Float);
        scaled = InferFixtures.deep(ScalarType.Float);
    }

    @AfterAll
    static void release() {
        threads.close();
        model.close();
        scaled.close();
    }

    private static final List<String> DIFFUSION = List.of(
            "transformer_blocks.15.attn.to_q", "transformer_blocks.15.cross_attn.to_q",
            "transformer_blocks.16.attn.to_q", "transformer_blocks.16.cross_attn.to_q",
            "transformer_blocks.17.attn.to_q", "transformer_blocks.17.cross_attn.to_q",
            "transformer_blocks.18.attn.to_q", "transformer_blocks.18.cross_attn.to_q",
            "transformer_blocks.19.attn.to_q", "transformer_blocks.19.cross_attn.to_q");
    private static final List<String> LYRIC = List.of("lyric_encoder.encoders.4.self_attn.linear_q",
            "lyric_encoder.encoders.5.self_attn.linear_q");

    private static List<String> hookedLayers(ACEStepTransformer2DModel m) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Module> e : m.namedModules().entrySet()) {
            if (e.getValue() instanceof Linear l && l.outputHook() != null) out.add(e.getKey());
        }
        return out;
    }

    /** Runs {@code body} on a model whose {@code names} layers have weight and bias × 0.01, then restores them. */
    private static <T> T withScaledLayers(List<String> names, java.util.function.Supplier<T> body) {
        Map<String, Module> modules = scaled.namedModules();
        try (NoGradGuard g = new NoGradGuard()) {
            for (String n : names) {
                Linear l = (Linear) modules.get(n);
                l.weight.value().mul_(new Scalar(ErgHooks.TAU));
                l.bias.value().mul_(new Scalar(ErgHooks.TAU));
            }
            return body.get();
        } finally {
            try (NoGradGuard g = new NoGradGuard()) {
                for (String n : names) {
                    Linear l = (Linear) modules.get(n);
                    l.weight.value().mul_(new Scalar(1 / ErgHooks.TAU));
                    l.bias.value().mul_(new Scalar(1 / ErgHooks.TAU));
                }
            }
        }
    }

    @Test
    void theTargetsAreTheOriginalsAndOnlyThoseCarryAHookWhileInstalled() {
        assertEquals(new TreeSet<>(DIFFUSION), new TreeSet<>(ErgHooks.diffusionTargets(model)));
        assertEquals(LYRIC, ErgHooks.lyricTargets(model));
        assertEquals(List.of(), hookedLayers(model));
        try (ErgHooks h = ErgHooks.install(model, ErgHooks.diffusionTargets(model))) {
            assertEquals(new TreeSet<>(DIFFUSION), new TreeSet<>(hookedLayers(model)));
        }
        assertEquals(List.of(), hookedLayers(model), "removed on close");
        try (ACEStepTransformer2DModel tiny = InferFixtures.tiny(ScalarType.Float)) {
            assertEquals(List.of(), ErgHooks.diffusionTargets(tiny), "the 3-block tiny preset has no block 15–19");
            assertEquals(List.of(), ErgHooks.lyricTargets(tiny));
        }
    }

    @Test
    void theUnconditionalDecodeIsTheModelWithTheTenQueryProjectionsScaled() {
        try (PointerScope scope = new PointerScope()) {
            Conditioning c = InferFixtures.conditions(model, 2, 4, 5, 3, false);
            Tensor x = InferFixtures.noise(model, 2, 6, 4, ScalarType.Float);
            Tensor t = torch.full(new long[] {2}, new Scalar(700.0));
            Tensor on, off, plainNull;
            try (TransformerDenoiser erg = new TransformerDenoiser(model, c, new ErgSwitches(false, false, true), false);
                 TransformerDenoiser none = new TransformerDenoiser(model, c, ErgSwitches.NONE, false)) {
                List<List<String>> seen = new ArrayList<>();
                erg.onDecode((kind, i, hooked) -> seen.add(hooked));
                on = erg.predict(Condition.NULL, x, t, 0);
                Tensor cond = erg.predict(Condition.COND, x, t, 0);
                assertEquals(List.of(new TreeSet<>(DIFFUSION), new TreeSet<String>()),
                        seen.stream().map(TreeSet::new).toList(), "hooks during the null decode only");
                assertTrue(Tensors.bitIdentical(cond, none.predict(Condition.COND, x, t, 0)), "cond untouched");
                off = none.predict(Condition.NULL, x, t, 0);
                assertEquals(List.of(), hookedLayers(model));
                // ERG off: the null decode is the plain decode of encode(0·text, mask, 0·spk, 0·lyrics, lyric_mask).
                var e = model.encode(torch.zeros_like(c.textStates()), c.textMask(), c.speakerEmbeds(),
                        torch.zeros_like(c.lyricIds()), c.lyricMask(), Capture.NONE);
                var condMask = model.encode(c.textStates(), c.textMask(), c.speakerEmbeds(), c.lyricIds(),
                        c.lyricMask(), Capture.NONE).mask();
                plainNull = model.decode(x, torch.ones(2, 6), new ACEStepTransformer2DModel.Encoded(e.hiddenStates(),
                        condMask), t, false, 6, Capture.NONE).sample();
                assertTrue(Tensors.bitIdentical(off, plainNull), "switched off: nothing changes");
                Tensor expected = withScaledLayers(DIFFUSION, () -> scaled.decode(x, torch.ones(2, 6),
                        new ACEStepTransformer2DModel.Encoded(e.hiddenStates(), condMask), t, false, 6, Capture.NONE)
                        .sample());
                double err = Tensors.maxAbsDiff(on, expected) / Tensors.maxAbs(expected);
                assertTrue(err < 1e-5, "hooked = scaled layers: " + err);
                assertTrue(Tensors.maxAbsDiff(on, off) / Tensors.maxAbs(off) > 1e-3, "and it does change the output");
            }
        }
    }

    @Test
    void theLyricHooksWeakenTheNullConditionWhichKeepsTheRealLyrics() {
        try (PointerScope scope = new PointerScope()) {
            Conditioning c = InferFixtures.conditions(model, 2, 4, 5, 8, true);
            try (TransformerDenoiser erg = new TransformerDenoiser(model, c, new ErgSwitches(true, true, false), false)) {
                TransformerDenoiser.EncodeInfo info = erg.encodes().get(1);
                assertEquals(Condition.NULL, info.kind());
                assertEquals(LYRIC, info.ergHooked());
                assertFalse(info.lyricIdsAreZero());
                assertTrue(info.textIsGivenNull());
                assertEquals(List.of(), hookedLayers(model), "removed after the encode");
                Tensor x = InferFixtures.noise(model, 2, 6, 4, ScalarType.Float);
                Tensor t = torch.full(new long[] {2}, new Scalar(300.0));
                Tensor got = erg.predict(Condition.NULL, x, t, 0);
                Tensor expected = withScaledLayers(LYRIC, () -> {
                    var e = scaled.encode(c.nullTextStates(), c.textMask(), torch.zeros_like(c.speakerEmbeds()),
                            c.lyricIds(), c.lyricMask(), Capture.NONE);
                    var condMask = scaled.encode(c.textStates(), c.textMask(), c.speakerEmbeds(), c.lyricIds(),
                            c.lyricMask(), Capture.NONE).mask();
                    return scaled.decode(x, torch.ones(2, 6), new ACEStepTransformer2DModel.Encoded(e.hiddenStates(),
                            condMask), t, false, 6, Capture.NONE).sample();
                });
                double err = Tensors.maxAbsDiff(got, expected) / Tensors.maxAbs(expected);
                assertTrue(err < 1e-5, "hooked = scaled linear_q: " + err);
            }
        }
    }
}
