package dev.lofilora.model.transformer;

import dev.lofilora.SharedFiles;
import dev.lofilora.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AceStepModelTreeTest {

    /** research/acestep.md §2.7: 3,305,659,264 parameters, counted on meta (nothing allocated). */
    @Test
    void releasedConfigCountsExactlyTheReleasedParameterNumberWithoutAllocating() {
        AceStepConfig c = AceStepConfig.read(SharedFiles.require("reference/acestep/transformer_config.json"));
        try (ACEStepTransformer2DModel m = new ACEStepTransformer2DModel(c, true)) {
            assertEquals(3_305_659_264L, m.parameterCount());
            for (Parameter p : m.namedParameters().values()) assertTrue(p.value().is_meta());
            Map<String, Parameter> sd = m.stateDict();
            // Spot checks of names and shapes from the §2.7 table.
            assertArrayEquals(new long[] {2048, 8, 16, 1}, sd.get("proj_in.early_conv_layers.0.weight").shape());
            assertArrayEquals(new long[] {15360, 2560}, sd.get("t_block.1.weight").shape());
            assertArrayEquals(new long[] {12800, 1, 3}, sd.get("transformer_blocks.23.ff.depth_conv.conv.weight").shape());
            assertArrayEquals(new long[] {2560, 6400, 1}, sd.get("transformer_blocks.0.ff.point_conv.conv.weight").shape());
            assertFalse(sd.containsKey("transformer_blocks.0.ff.point_conv.conv.bias"));
            assertArrayEquals(new long[] {768, 5120}, sd.get("projectors.1.4.weight").shape());
            assertArrayEquals(new long[] {2560, 2560}, sd.get("transformer_blocks.5.cross_attn.to_add_out.weight").shape());
            assertArrayEquals(new long[] {128, 2560}, sd.get("final_layer.linear.weight").shape());
            assertArrayEquals(new long[] {6693, 1024}, sd.get("lyric_embs.weight").shape());
            // One block: 127,905,280 (§2.7).
            long block = m.transformer_blocks.get(0).parameterCount();
            assertEquals(127_905_280L, block);
            long projectors = m.projectors.parameterCount();
            assertEquals(87_840_512L, projectors);
        }
    }
}
