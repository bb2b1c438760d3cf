package dev.lofilora.export.graph;

import dev.lofilora.export.onnx.GraphBuilder;
import dev.lofilora.export.onnx.OnnxType;
import dev.lofilora.export.ort.OrtModel;
import dev.lofilora.export.quant.Int4Blockwise;
import dev.lofilora.export.quant.Int8PerChannel;
import dev.lofilora.nn.Linear;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The quantised linears as ONNX Runtime runs them, against what their bytes mean. 4-bit: {@code MatMulNBits} with
 * {@code accuracy_level} 0 and the session's {@code session.qdq_matmulnbits_accuracy_level = 0} (research
 * onnx_export.md §2A: the default, level 4, quantises the activations to int8 and is off by up to 1.6e-2) computes
 * x·dequant(W)ᵀ in float32: within 1e-5 of the largest output (the sums' order, nothing else). 8-bit: the QOperator
 * chain gives quantize_dynamic's arithmetic — the activation quantised as {@code DynamicQuantizeLinear} says (uint8,
 * scale (max−min)/255, half-to-even), integer products summed, times both scales — within float32 round-off.
 * K = 320 is two full blocks of 128 and a partial one, so the zero-padding and odd zero-point packing are in play.
 */
class QuantizedLinearOrtTest {
    static final int K = 320, N = 48, ROWS = 5;

    @TempDir
    Path tmp;

    private Tensor run(String name, Precision precision, QuantOptions quant, Tensor w, Tensor b, Tensor x) {
        GraphBuilder.Written written;
        try (GraphBuilder g = new GraphBuilder(tmp, name)) {
            Emitter e = new Emitter(g, new Linear(1, 1, false), precision, quant);
            String in = g.input("x", OnnxType.FLOAT, "B", (long) K);
            g.output(e.linear("proj", w, b, in), "y", OnnxType.FLOAT, "B", (long) N);
            written = g.finish();
        }
        try (OrtModel m = OrtModel.open(written.model(), OrtModel.Options.cpu(1))) {
            return m.run1(Map.of("x", x));
        }
    }

    private static Tensor linear(Tensor x, float[] w, Tensor b) {
        return torch.linear(x, Tensors.fromFloatArray(w, N, K), new TensorOptional(b));
    }

    @Test
    void matMulNBitsComputesWithTheDequantisedWeightExactly() {
        try (NoGradGuard ng = new NoGradGuard()) {
            Generator gen = torch.createCPUGenerator(21);
            Tensor w = torch.randn(new long[] {N, K}, new GeneratorOptional(gen), new TensorOptions()).mul(new Scalar(0.05));
            Tensor b = torch.randn(new long[] {N}, new GeneratorOptional(gen), new TensorOptions());
            Tensor x = torch.randn(new long[] {ROWS, K}, new GeneratorOptional(gen), new TensorOptions());
            Tensor exact = torch.linear(x, w, new TensorOptional(b));
            for (boolean symmetric : new boolean[] {false, true}) {
                Int4Blockwise.Quantized q = Int4Blockwise.quantize(Tensors.toFloatArray(w), N, K, Emitter.INT4_BLOCK, symmetric);
                Tensor ref = linear(x, q.dequantize(), b);
                Tensor got = run(symmetric ? "sym" : "asym", Precision.INT4, new QuantOptions(symmetric, false), w, b, x);
                double err = Tensors.maxAbsDiff(got, ref) / Tensors.maxAbs(ref);
                double quantErr = Tensors.maxAbsDiff(ref, exact) / Tensors.maxAbs(exact);
                System.out.printf(Locale.ROOT, "MatMulNBits %s: vs dequantised reference %.2e, quantisation itself %.2e%n",
                        symmetric ? "symmetric" : "asymmetric", err, quantErr);
                assertTrue(err < 1e-5, "ORT vs x·dequant(W)ᵀ: " + err);
                assertTrue(quantErr > 100 * err, "the 4-bit error is the quantiser's, not the kernel's");
            }
        }
    }

    @Test
    void int8MatMulIsQuantizeDynamicsArithmetic() {
        try (NoGradGuard ng = new NoGradGuard()) {
            Generator gen = torch.createCPUGenerator(22);
            Tensor w = torch.randn(new long[] {N, K}, new GeneratorOptional(gen), new TensorOptions()).mul(new Scalar(0.05));
            Tensor x = torch.randn(new long[] {ROWS, K}, new GeneratorOptional(gen), new TensorOptions());
            Int8PerChannel.Quantized q = Int8PerChannel.quantize(Tensors.toFloatArray(w), N, K, false);
            float[] xs = Tensors.toFloatArray(x);
            // DynamicQuantizeLinear over the whole input: uint8, range widened to include 0
            float min = 0, max = 0;
            for (float v : xs) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            float scale = (max - min) / 255f;
            int zp = (int) Math.max(0, Math.min(255, Math.rint(0 - min / scale)));
            float[] expected = new float[ROWS * N];
            for (int r = 0; r < ROWS; r++) {
                for (int n = 0; n < N; n++) {
                    long acc = 0;
                    int wz = q.zeroPoints()[n] & 0xFF;
                    for (int k = 0; k < K; k++) {
                        int a = (int) Math.max(0, Math.min(255, Math.rint(xs[r * K + k] / scale) + zp));
                        acc += (long) (a - zp) * ((q.weights()[k * N + n] & 0xFF) - wz);
                    }
                    expected[r * N + n] = (float) acc * (scale * q.scales()[n]);
                }
            }
            Tensor ref = Tensors.fromFloatArray(expected, ROWS, N);
            Tensor got = run("int8", Precision.INT8, QuantOptions.DEFAULT, w, null, x);
            Tensor exact = torch.linear(x, w, new TensorOptional());
            double err = Tensors.maxAbsDiff(got, ref) / Tensors.maxAbs(ref);
            double quantErr = Tensors.maxAbsDiff(got, exact) / Tensors.maxAbs(exact);
            System.out.printf(Locale.ROOT, "int8 MatMulInteger: vs quantize_dynamic's arithmetic %.2e, vs float %.2e%n",
                    err, quantErr);
            assertTrue(err < 1e-6, "ORT vs the integer arithmetic: " + err);
            assertTrue(quantErr > 100 * err, "the 8-bit error is the quantiser's");
        }
    }
}
