package dev.lofilora.model.umt5;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The text-encoder call of ACE-Step (tokenizer max_length 256, pad to longest, truncate) on the tiny preset. */
class Umt5TextEncoderTest {
    @Test
    void padsToTheLongestEndsWithEosAndTruncatesAt256() {
        try (PointerScope s = new PointerScope();
             Umt5TextEncoder enc = TinyPreset.load(ConfigFiles.defaults()).textEncoder(Devices.cpu())) {
            var t = enc.tokenize(List.of("lofi hip hop, chill", "jazzy"));
            long[] ids = Tensors.toLongArray(t.ids());
            long[] mask = Tensors.toLongArray(t.mask());
            int len = (int) t.ids().size(1);
            int n0 = (int) java.util.Arrays.stream(mask, 0, len).sum();
            int n1 = (int) java.util.Arrays.stream(mask, len, 2 * len).sum();
            assertEquals(len, n0, "the longest prompt fills the row");
            assertTrue(n1 < n0);
            assertEquals(1, ids[n0 - 1], "</s> ends each prompt");
            assertEquals(1, ids[len + n1 - 1]);
            for (int i = n1; i < len; i++) assertEquals(0, ids[len + i], "right padding with <pad> = 0");

            var longT = enc.tokenize(List.of("lofi ".repeat(400)));
            assertEquals(Umt5TextEncoder.MAX_LENGTH, longT.ids().size(1));
            assertEquals(1, Tensors.toLongArray(longT.ids())[Umt5TextEncoder.MAX_LENGTH - 1], "truncated, </s> kept");
        }
    }

    @Test
    void paddingDoesNotChangeTheStatesOfRealTokens() {
        try (PointerScope s = new PointerScope();
             Umt5TextEncoder enc = TinyPreset.load(ConfigFiles.defaults()).textEncoder(Devices.cpu())) {
            var both = enc.encode(List.of("lofi hip hop, chill, rhodes, vinyl crackle", "jazzy piano"));
            var alone = enc.encode(List.of("jazzy piano"));
            assertEquals(32, both.hiddenStates().size(2), "d_model = the tiny transformer's text_embedding_dim");
            long n = alone.hiddenStates().size(1);
            var row = both.hiddenStates().select(0, 1).narrow(0, 0, n);
            // masked keys get finfo.min added: exp underflows to exactly 0, so only summation order differs
            assertTrue(Tensors.maxAbsDiff(row, alone.hiddenStates().select(0, 0)) < 1e-5);
        }
    }
}
