package dev.lofilora.export.graph;

import dev.lofilora.export.onnx.Attrs;
import dev.lofilora.export.onnx.OnnxType;
import dev.lofilora.model.dcae.AutoencoderDC;
import dev.lofilora.model.dcae.DCUpBlock2d;
import dev.lofilora.model.dcae.DcaeConfig;
import dev.lofilora.model.dcae.DcaeDecoder;
import dev.lofilora.model.dcae.EfficientViTBlock;
import dev.lofilora.model.dcae.GLUMBConv;
import dev.lofilora.model.dcae.RMSNorm;
import dev.lofilora.model.dcae.ResBlock;
import dev.lofilora.model.dcae.SanaMultiscaleAttentionProjection;
import dev.lofilora.model.dcae.SanaMultiscaleLinearAttention;
import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;

/**
 * The DC-AE decoder of ACE-Step's {@code music_dcae_f8c8} (diffusers {@code AutoencoderDC.decoder}) as one ONNX
 * graph, from the module tree as {@link DcaeDecoder#forward} runs it: conv_in plus the repeated-channel shortcut, the
 * up stages from the deepest (ResBlocks with channel RMSNorm; EfficientViT blocks with Sana's multiscale ReLU linear
 * attention in float32; nearest ×2 or pixel-shuffle upsampling with their shortcuts), RMSNorm, ReLU, conv_out.
 * Input {@code z} [B, latent, H, W] (the raw latent, ACE-Step's shift and scale already undone), output {@code mel}
 * [B, in, 8H, 8W] (normalised mel). Only the linear-attention branch is exported: diffusers switches to the quadratic
 * one when H·W ≤ head_dim, which ACE-Step's 16-row latents reach only below 3 frames (0.3 s).
 */
public final class DcaeDecoderGraph {
    private final Emitter e;
    private final AutoencoderDC model;
    private final DcaeConfig c;

    private DcaeDecoderGraph(Emitter e, AutoencoderDC model) {
        this.e = e;
        this.model = model;
        this.c = model.config;
    }

    public static void build(Emitter e, AutoencoderDC model) {
        new DcaeDecoderGraph(e, model).build();
    }

    private void build() {
        DcaeDecoder d = model.decoder;
        var out = c.decoderBlockOutChannels();
        int n = out.size();
        String z = e.g.input("z", OnnxType.FLOAT, "B", (long) c.latentChannels(), "H", "W");
        String h = conv(d.conv_in, z);
        if (c.decoderInShortcut()) h = e.add(h, repeatChannels(z, out.get(n - 1) / c.latentChannels()));
        for (int i = n - 1; i >= 0; i--) {
            try (var s = e.g.scope("decoder.up_blocks." + i)) {
                for (Module m : d.up_blocks.get(i).items()) h = member(m, h, i);
            }
        }
        h = rmsChannels(d.norm_out, h);
        h = switch (c.decoderConvActFn()) {
            case "relu" -> e.relu(h);
            case "silu", "swish" -> e.silu(h);
            default -> e.g.op("Gelu", h);
        };
        h = conv(d.conv_out, h);
        e.g.output(h, "mel", OnnxType.FLOAT, "B", (long) c.inChannels(), "MH", "MW");
    }

    private String member(Module m, String x, int stage) {
        if (m instanceof ResBlock r) {
            String y = act(c.decoderActFns().get(stage), conv(r.conv1, x));
            return e.add(rmsChannels(r.norm, conv(r.conv2, y)), x);
        }
        if (m instanceof EfficientViTBlock v) return glumb(v.conv_out, attention(v.attn, x));
        if (m instanceof DCUpBlock2d u) return up(u, x);
        throw new IllegalStateException("unexpected DC-AE member " + m.getClass().getSimpleName());
    }

    private String act(String name, String x) {
        return switch (name) {
            case "silu", "swish" -> e.silu(x);
            case "relu" -> e.relu(x);
            default -> e.g.op("Gelu", x);
        };
    }

    private String conv(Conv2d conv, String x) {
        return e.conv(e.path(conv), conv.weight.value(), conv.bias == null ? null : conv.bias.value(), x, conv.stride,
                conv.padding, new long[] {1, 1}, conv.groups);
    }

    /** x [B, C, H, W] with each channel repeated r times in place ({@code repeat_interleave(r, dim=1)}). */
    private String repeatChannels(String x, long r) {
        String expanded = e.g.op("Expand", e.unsqueeze(x, 2), e.g.ints(1, 1, r, 1, 1));       // [B, C, r, H, W]
        String shape = e.concat(0, e.dims(x, 0, 1), e.g.ints(-1), e.dims(x, 2, 4));
        return e.reshapeTo(expanded, shape);                                                    // [B, C·r, H, W]
    }

    /** diffusers RMSNorm over channels: x·rsqrt(mean_c(x²) + eps)·w + b. */
    private String rmsChannels(RMSNorm norm, String x) {
        String key = e.path(norm);
        String w = e.reshape(e.weightF32(key + ".weight", norm.weight.value()), 1, -1, 1, 1);
        String b = e.reshape(e.weightF32(key + ".bias", norm.bias.value()), 1, -1, 1, 1);
        return e.add(e.mul(e.rmsNormalize(x, 1, 1e-5), w), b);
    }

    /** Nearest ×2 then 3×3 conv (or conv then pixel shuffle), plus pixel_shuffle(repeat_interleave(x)). */
    private String up(DCUpBlock2d u, String x) {
        long in = u.conv.weight.value().size(1);
        long out = c.upsampleBlockType().equals("interpolate") ? u.conv.weight.value().size(0)
                : u.conv.weight.value().size(0) / 4;
        String y;
        if (c.upsampleBlockType().equals("interpolate")) {
            String scaled = e.g.op("Resize", Attrs.of().s("mode", "nearest").s("nearest_mode", "floor")
                    .s("coordinate_transformation_mode", "asymmetric"), x, "", e.g.floats(1f, 1f, 2f, 2f));
            y = conv(u.conv, scaled);
        } else {
            y = e.g.op("DepthToSpace", Attrs.of().i("blocksize", 2).s("mode", "CRD"), conv(u.conv, x));
        }
        String shortcut = e.g.op("DepthToSpace", Attrs.of().i("blocksize", 2).s("mode", "CRD"),
                repeatChannels(x, 4 * out / in));
        return e.add(y, shortcut);
    }

    /** SanaMultiscaleLinearAttention (linear branch), float32 core, residual and output RMSNorm. */
    private String attention(SanaMultiscaleLinearAttention a, String x) {
        long headDim = c.attentionHeadDim();
        String hs = e.transpose(x, 0, 2, 3, 1);                                                 // [B, H, W, C]
        String qkv = e.transpose(e.concat(3, lin(a.to_q, hs), lin(a.to_k, hs), lin(a.to_v, hs)), 0, 3, 1, 2);
        String[] scales = new String[1 + a.to_qkv_multiscale.size()];
        scales[0] = qkv;                                                                        // [B, 3·inner, H, W]
        for (int i = 0; i < a.to_qkv_multiscale.size(); i++) {
            SanaMultiscaleAttentionProjection p = a.to_qkv_multiscale.get(i);
            scales[i + 1] = conv(p.proj_out, conv(p.proj_in, qkv));
        }
        String all = e.concat(1, scales);                                                       // [B, 3·inner·(1+n), H, W]
        String hw = e.g.op("Mul", e.dims(x, 2, 3), e.dims(x, 3, 4));
        all = e.reshapeTo(all, e.concat(0, e.g.ints(0, -1, 3 * headDim), hw));                  // [B, h', 3d, N]
        String[] parts = e.split(all, 2, 3);
        String q = e.relu(parts[0]), k = e.relu(parts[1]), v = parts[2];                        // [B, h', d, N]
        String vp = e.g.op("Pad", v, e.g.ints(0, 0, 0, 0, 0, 0, 1, 0), e.g.scalar(1.0));      // [B, h', d+1, N]
        String scores = e.g.op("MatMul", vp, e.transpose(k, 0, 1, 3, 2));                     // [B, h', d+1, d]
        String o = e.g.op("MatMul", scores, q);                                                 // [B, h', d+1, N]
        String out = e.g.op("Div", e.slice(o, 2, 0, headDim),
                e.add(e.slice(o, 2, headDim, headDim + 1), e.g.scalar(1e-15)));                 // [B, h', d, N]
        out = e.reshapeTo(out, e.concat(0, e.g.ints(0, -1), e.dims(x, 2, 4)));                  // [B, inner·(1+n), H, W]
        out = e.transpose(lin(a.to_out, e.transpose(out, 0, 2, 3, 1)), 0, 3, 1, 2);            // [B, C, H, W]
        return e.add(rmsChannels(a.norm_out, out), x);
    }

    private String lin(Linear l, String x) {
        return e.linear(l, x);
    }

    /** Sana's 2-D GLUMBConv with its RMSNorm and residual. */
    private String glumb(GLUMBConv g, String x) {
        String h = conv(g.conv_depth, e.silu(conv(g.conv_inverted, x)));                       // [B, 8C, H, W]
        String[] halves = e.split(h, 1, 2);
        String y = conv(g.conv_point, e.mul(halves[0], e.silu(halves[1])));
        return e.add(rmsChannels(g.norm, y), x);
    }
}
