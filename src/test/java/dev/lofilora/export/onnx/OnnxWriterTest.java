package dev.lofilora.export.onnx;

import dev.lofilora.common.LofiException;
import dev.lofilora.export.ort.OrtModel;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The hand-written protobuf encoding and the external-data layout, checked byte by byte and by ONNX Runtime. */
class OnnxWriterTest {
    @TempDir
    Path tmp;

    @Test
    void encodesVarintsFixed32AndLengthDelimitedFieldsAsProtobufDoes() {
        // field 1 varint 300 → tag 0x08, 300 = 0b1_0010_1100 → 0xAC 0x02
        assertArrayEquals(new byte[] {0x08, (byte) 0xAC, 0x02}, new Proto().varint(1, 300).toByteArray());
        // field 2 fixed32 1.0f → tag 0x15, 0x3F800000 little-endian
        assertArrayEquals(new byte[] {0x15, 0, 0, (byte) 0x80, 0x3F}, new Proto().float32(2, 1.0f).toByteArray());
        // field 4 string "ab" → tag 0x22, length 2
        assertArrayEquals(new byte[] {0x22, 2, 'a', 'b'}, new Proto().string(4, "ab").toByteArray());
        // a negative int64 takes ten bytes (two's complement), field 3 → tag 0x18
        byte[] neg = new Proto().varint(3, -1).toByteArray();
        assertEquals(11, neg.length);
        assertEquals(0x01, neg[10]);
        // field 16 needs a two-byte tag: (16 << 3) | 2 = 130 → 0x82 0x01
        assertArrayEquals(new byte[] {(byte) 0x82, 0x01, 0}, new Proto().bytes(16, new byte[0]).toByteArray());
    }

    @Test
    void streamsLargeWeightsToAlignedExternalDataThatOnnxRuntimeRuns() throws Exception {
        Generator g = torch.createCPUGenerator(5);
        Tensor w1 = torch.randn(new long[] {16, 24}, new GeneratorOptional(g), new org.bytedeco.pytorch.TensorOptions()); // 1536 B
        Tensor w2 = torch.randn(new long[] {40, 16}, new GeneratorOptional(g), new org.bytedeco.pytorch.TensorOptions()); // 2560 B
        Tensor w3 = torch.randn(new long[] {64, 40}, new GeneratorOptional(g), new org.bytedeco.pytorch.TensorOptions()); // 10240 B
        Tensor b = torch.randn(new long[] {64}, new GeneratorOptional(g), new org.bytedeco.pytorch.TensorOptions());     // 256 B: inline
        GraphBuilder.Written written;
        try (GraphBuilder gb = new GraphBuilder(tmp, "mlp")) {
            String x = gb.input("x", OnnxType.FLOAT, "B", 24L);
            String h = gb.op("MatMul", x, gb.op("Transpose", Attrs.of().ints("perm", 1, 0), gb.weight("w1", w1, OnnxType.FLOAT)));
            h = gb.op("MatMul", gb.op("Relu", h), gb.op("Transpose", Attrs.of().ints("perm", 1, 0), gb.weight("w2", w2, OnnxType.FLOAT)));
            h = gb.op("Add", gb.op("MatMul", h, gb.op("Transpose", Attrs.of().ints("perm", 1, 0),
                    gb.weight("w3", w3, OnnxType.FLOAT))), gb.weight("b", b, OnnxType.FLOAT));
            gb.output(h, "y", OnnxType.FLOAT, "B", 64L);
            written = gb.finish();
        }
        // w1 at 0, w2 at the next 64-byte boundary (1536), w3 (≥ 4 KiB) at the next page: 1536 + 2560 = 4096
        assertEquals(4096 + 10240, Files.size(written.weights()), "three external tensors, the last page-aligned");
        assertEquals(written.weightBytes(), Files.size(written.weights()));
        assertTrue(written.modelBytes() < 1500, "no weight bytes inside the .onnx: " + written.modelBytes());
        Tensor in = torch.randn(new long[] {3, 24}, new GeneratorOptional(g), new org.bytedeco.pytorch.TensorOptions());
        Tensor ref = torch.linear(torch.linear(torch.relu(torch.linear(in, w1, new TensorOptional())), w2,
                new TensorOptional()), w3, new TensorOptional(b));
        try (OrtModel m = OrtModel.open(written.model(), OrtModel.Options.cpu(1))) {
            Tensor y = m.run1(Map.of("x", in));
            assertTrue(Tensors.maxAbsDiff(y, ref) < 1e-5, "ONNX Runtime reads every weight where it was written");
        }

        Files.delete(written.weights());
        LofiException e = assertThrows(LofiException.class, () -> OrtModel.open(written.model(), OrtModel.Options.cpu(1)));
        assertTrue(e.getMessage().contains("mlp.onnx") && e.getMessage().contains(".bin"), e.getMessage());
    }
}
