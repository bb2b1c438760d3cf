package dev.lofilora.export.ort;

import dev.lofilora.common.LofiException;
import dev.lofilora.export.onnx.OnnxType;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.onnxruntime.Env;
import org.bytedeco.onnxruntime.MemoryInfo;
import org.bytedeco.onnxruntime.OrtCUDAProviderOptions;
import org.bytedeco.onnxruntime.RunOptions;
import org.bytedeco.onnxruntime.Session;
import org.bytedeco.onnxruntime.SessionOptions;
import org.bytedeco.onnxruntime.StringVector;
import org.bytedeco.onnxruntime.TensorTypeAndShapeInfo;
import org.bytedeco.onnxruntime.Value;
import org.bytedeco.onnxruntime.ValueVector;
import org.bytedeco.onnxruntime.global.onnxruntime;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX model loaded in ONNX Runtime (org.bytedeco onnxruntime 1.24.1), run on libtorch CPU tensors: inputs are
 * handed to ONNX Runtime without a copy (float32, int64), outputs are copied into fresh float32 libtorch tensors.
 *
 * <p>Loaded by path, so external data is found beside the model (research onnx_export.md §2D). Sessions use full graph
 * optimisation and {@code session.qdq_matmulnbits_accuracy_level = 0} with MatMulNBits' own {@code accuracy_level}
 * written as 0, so 4-bit layers compute in float32 and match a dequantise-then-matmul reference (the default would
 * quantise the activations to int8, research §2A). The CUDA execution provider is appended when asked for; it exists
 * only in the GPU build of the onnxruntime artifact ({@code -Djavacpp.platform.extension=-gpu}).
 *
 * <p>Thread-safe for {@link #run} as ONNX Runtime sessions are; {@link #close} must not race it.
 */
public final class OrtModel implements AutoCloseable {
    private static Env env;

    /** How to open a session. */
    public record Options(int threads, boolean cuda, int cudaDevice) {
        /** The CPU execution provider with {@code threads} intra-op threads (0 = ONNX Runtime's default). */
        public static Options cpu(int threads) { return new Options(threads, false, 0); }
    }

    private final Path path;
    private final Session session;
    private final SessionOptions sessionOptions;
    private final List<String> inputNames;
    private final List<String> outputNames;

    private OrtModel(Path path, Session session, SessionOptions so, List<String> in, List<String> out) {
        this.path = path;
        this.session = session;
        this.sessionOptions = so;
        this.inputNames = in;
        this.outputNames = out;
    }

    private static synchronized Env env() {
        if (env == null) {
            env = new Env(onnxruntime.ORT_LOGGING_LEVEL_FATAL, "lofi-lora"); // failures surface as exceptions
            env.retainReference(); // one environment for the process, outside any caller's PointerScope
        }
        return env;
    }

    /**
     * Opens {@code onnx}. A missing file, or an ONNX Runtime refusal (a missing or short external-data file, an
     * unsupported op), is a {@link LofiException} naming the file.
     */
    public static OrtModel open(Path onnx, Options o) {
        if (!Files.isRegularFile(onnx)) {
            throw new LofiException(onnx, "does not exist", "export the model again with lofi export-onnx");
        }
        SessionOptions so = new SessionOptions();
        so.retainReference();
        try {
            so.SetGraphOptimizationLevel(onnxruntime.ORT_ENABLE_ALL);
            if (o.threads() > 0) so.SetIntraOpNumThreads(o.threads());
            so.SetInterOpNumThreads(1);
            so.AddConfigEntry("session.qdq_matmulnbits_accuracy_level", "0");
            so.SetLogSeverityLevel(3);
            if (o.cuda()) appendCuda(so, o.cudaDevice(), onnx);
            Session s;
            try (BytePointer p = new BytePointer(onnx.toAbsolutePath().toString())) {
                s = new Session(env(), p, so);
            }
            s.retainReference();
            return new OrtModel(onnx, s, so, names(s.GetInputNames()), names(s.GetOutputNames()));
        } catch (RuntimeException e) {
            so.releaseReference();
            if (e instanceof LofiException) throw e;
            throw new LofiException(onnx, "cannot be loaded by ONNX Runtime: " + e.getMessage(),
                    "check that its .bin file (external data) sits beside it, complete; export it again if not", e);
        }
    }

    private static void appendCuda(SessionOptions so, int device, Path onnx) {
        try {
            OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions();
            cuda.device_id(device);
            so.AppendExecutionProvider_CUDA(cuda);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new LofiException(onnx, "the CUDA execution provider is not available: " + e.getMessage(),
                    "build with -Djavacpp.platform.extension=-gpu (the onnxruntime GPU natives and CUDA), or run on the CPU");
        }
    }

    private static List<String> names(StringVector v) {
        List<String> out = new ArrayList<>();
        for (long i = 0; i < v.size(); i++) out.add(v.get(i).getString());
        return List.copyOf(out);
    }

    public Path path() { return path; }

    public List<String> inputNames() { return inputNames; }

    public List<String> outputNames() { return outputNames; }

    /** Whether the graph has an input of this name. */
    public boolean hasInput(String name) { return inputNames.contains(name); }

    /**
     * Runs the graph. Every input of the graph must be given (float tensors are passed as float32, integer ones as
     * int64; any device, they are copied to the CPU when needed). Returns every output by name as a float32 CPU tensor
     * (owned by the caller's scope).
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        for (String n : inputNames) {
            if (!inputs.containsKey(n)) throw new IllegalArgumentException(path + ": input '" + n + "' not given");
        }
        List<Tensor> keep = new ArrayList<>();
        Map<String, Tensor> result = new LinkedHashMap<>();
        try (PointerScope scope = new PointerScope()) {
            MemoryInfo cpu = MemoryInfo.CreateCpu(onnxruntime.OrtArenaAllocator, onnxruntime.OrtMemTypeDefault);
            int n = inputNames.size();
            Value values = new Value(n);
            PointerPointer<BytePointer> in = new PointerPointer<>(n);
            for (int i = 0; i < n; i++) {
                String name = inputNames.get(i);
                Tensor t = inputs.get(name);
                boolean floating = t.is_floating_point();
                Tensor c = t.detach().to(floating ? ScalarType.Float : ScalarType.Long).cpu().contiguous();
                keep.add(c);
                long[] shape = c.sizes().vec().get();
                LongPointer dims = new LongPointer(shape);
                Value v = floating
                        ? Value.CreateTensorFloat(cpu.asOrtMemoryInfo(), new FloatPointer(c.data_ptr()), c.numel(), dims,
                        shape.length)
                        : Value.CreateTensorLong(cpu.asOrtMemoryInfo(), new LongPointer(c.data_ptr()), c.numel(), dims,
                        shape.length);
                values.position(i).put(v);
                in.put(i, new BytePointer(name));
            }
            values.position(0);
            PointerPointer<BytePointer> out = new PointerPointer<>(outputNames.size());
            for (int i = 0; i < outputNames.size(); i++) out.put(i, new BytePointer(outputNames.get(i)));
            ValueVector outputs;
            try {
                outputs = session.Run(new RunOptions(), in, values, n, out, outputNames.size());
            } catch (RuntimeException e) {
                throw LofiException.internal(path, "ONNX Runtime failed to run it: " + e.getMessage(),
                        "check the input shapes; report this with the model's manifest.json", e);
            }
            for (int i = 0; i < outputNames.size(); i++) {
                Value v = outputs.get(i);
                Tensor t = toTensor(v);
                t.retainReference(); // survives this scope
                result.put(outputNames.get(i), t);
            }
        }
        PointerScope outer = PointerScope.getInnerScope();
        for (Tensor t : result.values()) {
            if (outer != null) {
                outer.attach(t);
                t.releaseReference();
            }
        }
        return result;
    }

    /** Runs a graph with one output. */
    public Tensor run1(Map<String, Tensor> inputs) {
        return run(inputs).values().iterator().next();
    }

    private static Tensor toTensor(Value v) {
        TensorTypeAndShapeInfo info = v.GetTensorTypeAndShapeInfo();
        long rank = info.GetDimensionsCount();
        long[] shape = new long[(int) rank];
        info.GetDimensions(shape, rank);
        int type = info.GetElementType();
        if (type != OnnxType.FLOAT.code) {
            throw new IllegalStateException("output of element type " + type + "; the exported graphs return float32");
        }
        Tensor t = torch.empty(shape, new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float)),
                new MemoryFormatOptional());
        long bytes = t.nbytes();
        if (bytes > 0) Pointer.memcpy(t.data_ptr(), v.GetTensorMutableDataFloat(), bytes);
        return t;
    }

    @Override
    public void close() {
        session.releaseReference();
        sessionOptions.releaseReference();
    }
}
