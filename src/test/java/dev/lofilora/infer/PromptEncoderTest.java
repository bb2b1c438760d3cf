package dev.lofilora.infer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.model.tiny.SeededWeights;
import dev.lofilora.model.tokenizer.HfTokenizers;
import dev.lofilora.model.tokenizer.LyricTokenizer;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.umt5.UMT5EncoderModel;
import dev.lofilora.model.umt5.Umt5Config;
import dev.lofilora.model.umt5.Umt5TextEncoder;
import dev.lofilora.nn.Linear;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The conditions of ACE-Step's __call__: the ERG-tag null text on UMT5 blocks 8–9, the lyric ids and masks. */
class PromptEncoderTest {
    private static Umt5TextEncoder textEncoder(int layers) {
        ObjectNode section = InferFixtures.PRESET.section("text_encoder").deepCopy();
        section.put("num_layers", layers);
        UMT5EncoderModel m = new UMT5EncoderModel(Umt5Config.parse(section, null));
        SeededWeights.fill(m, 9, Devices.cpu());
        return new Umt5TextEncoder(m, HfTokenizers.fromJson(InferFixtures.PRESET.textTokenizerJson(),
                Umt5TextEncoder.options(), "tiny text tokenizer"), Devices.cpu());
    }

    @Test
    void theTagHookScalesTheQueryProjectionsOfUmt5Blocks8And9Only() {
        AceStepConfig config = InferFixtures.PRESET.transformerConfig();
        try (PointerScope scope = new PointerScope(); Umt5TextEncoder deep = textEncoder(10);
             Umt5TextEncoder shallow = textEncoder(2); LyricTokenizer lyrics = InferFixtures.PRESET.lyricTokenizer()) {
            assertEquals(List.of("encoder.block.8.layer.0.SelfAttention.q", "encoder.block.9.layer.0.SelfAttention.q"),
                    ErgHooks.tagTargets(deep.model()));
            try (ErgHooks h = ErgHooks.install(deep.model(), ErgHooks.tagTargets(deep.model()))) {
                long hooked = deep.model().namedModules().values().stream()
                        .filter(m -> m instanceof Linear l && l.outputHook() != null).count();
                assertEquals(2, hooked);
            }
            Conditioning c = PromptEncoder.encode(deep, lyrics, config, "lofi hip hop, rain", "", 2, true);
            assertTrue(Tensors.maxAbsDiff(c.textStates(), c.nullTextStates()) > 1e-4, "the null text is weakened");
            Conditioning plain = PromptEncoder.encode(deep, lyrics, config, "lofi hip hop, rain", "", 2, false);
            assertNull(plain.nullTextStates());
            assertTrue(Tensors.bitIdentical(plain.textStates(), c.textStates()), "hooks removed after the null pass");
            assertEquals(List.of(), ErgHooks.tagTargets(shallow.model()), "the 2-block tiny UMT5 has no block 8–9");
        }
    }

    @Test
    void lyricsAreStartThenTokensAndASpacePerLineAndNoLyricsIsIdZeroMasked() {
        AceStepConfig config = InferFixtures.PRESET.transformerConfig();
        try (PointerScope scope = new PointerScope(); Umt5TextEncoder text = textEncoder(2);
             LyricTokenizer lyrics = InferFixtures.PRESET.lyricTokenizer()) {
            Conditioning none = PromptEncoder.encode(text, lyrics, config, "lofi", "", 3, false);
            assertArrayEquals(new long[] {3, 1}, Tensors.shape(none.lyricIds()));
            assertArrayEquals(new long[] {0, 0, 0}, Tensors.toLongArray(none.lyricIds()));
            assertArrayEquals(new long[] {0, 0, 0}, Tensors.toLongArray(none.lyricMask()));
            assertArrayEquals(new long[] {3, config.speakerEmbeddingDim()}, Tensors.shape(none.speakerEmbeds()));
            assertEquals(0.0, Tensors.maxAbs(none.speakerEmbeds()));

            Conditioning two = PromptEncoder.encode(text, lyrics, config, "lofi", "[verse]\n\nhi", 1, false);
            long[] ids = Tensors.toLongArray(two.lyricIds());
            long start = lyrics.id("[START]"), space = lyrics.id("[SPACE]");
            assertEquals(start, ids[0]);
            assertEquals(space, ids[ids.length - 1]);
            // three lines: "[verse]" tokens + [SPACE], an empty line's lone [SPACE], "hi" tokens + [SPACE]
            assertEquals(3, java.util.Arrays.stream(ids).filter(i -> i == space).count() - countInner(lyrics, space));
            assertArrayEquals(java.util.stream.LongStream.generate(() -> 1).limit(ids.length).toArray(),
                    Tensors.toLongArray(two.lyricMask()));
        }
    }

    /** [SPACE] ids that come from inside the lines' own tokens (the cleaned text may hold spaces). */
    private static long countInner(LyricTokenizer t, long space) {
        long n = 0;
        for (String line : new String[] {"[verse]", "hi"}) {
            long[] ids = t.encodeForInference(line);
            for (int i = 1; i < ids.length - 1; i++) if (ids[i] == space) n++;
        }
        return n;
    }
}
