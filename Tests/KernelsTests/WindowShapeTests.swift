import Testing

@testable import Kernels

/// Hostile convolution and pooling shapes are refused when the options or geometry are made,
/// before anything is allocated, with the member PyTorch's constructor calls it.
struct WindowShapeTests {
    let big = Int.max / 2

    @Test("convolution options and geometries refuse hostile shapes with the member named")
    func convolutionRefusals() {
        let cases: [(() throws(WindowShapeError) -> Void, WindowShapeError)] = [
            (
                { () throws(WindowShapeError) in _ = try Conv2DOptions(inChannels: 0, outChannels: 1, kernelSize: Size2D(square: 3)) },
                .notPositive(member: "in_channels", value: 0)
            ),
            (
                { () throws(WindowShapeError) in _ = try Conv2DOptions(inChannels: 1, outChannels: -2, kernelSize: Size2D(square: 3)) },
                .notPositive(member: "out_channels", value: -2)
            ),
            (
                { () throws(WindowShapeError) in _ = try Conv2DOptions(inChannels: 1, outChannels: 1, kernelSize: Size2D(3, 0)) },
                .notPositive(member: "kernel_size", value: 0)
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Conv2DOptions(inChannels: 1, outChannels: 1, kernelSize: Size2D(square: 3), stride: Size2D(0, 1))
                }, .notPositive(member: "stride", value: 0)
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Conv2DOptions(inChannels: 1, outChannels: 1, kernelSize: Size2D(square: 3), padding: Size2D(1, -1))
                }, .negative(member: "padding", value: -1)
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Conv2DOptions(inChannels: 1, outChannels: 1, kernelSize: Size2D(square: 3), dilation: Size2D(square: 0))
                }, .notPositive(member: "dilation", value: 0)
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Conv2DOptions(inChannels: 4, outChannels: 4, kernelSize: Size2D(square: 3), groups: 0)
                }, .notPositive(member: "groups", value: 0)
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Conv2DOptions(inChannels: 6, outChannels: 4, kernelSize: Size2D(square: 3), groups: 4)
                }, .groupsDoNotDivide(member: "in_channels", channels: 6, groups: 4)
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Conv2DOptions(inChannels: 6, outChannels: 4, kernelSize: Size2D(square: 3), groups: 3)
                }, .groupsDoNotDivide(member: "out_channels", channels: 4, groups: 3)
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Conv2DOptions(inChannels: big, outChannels: big, kernelSize: Size2D(square: 3))
                }, .overflow(member: "out_channels")
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Conv2DOptions(inChannels: 1, outChannels: 1, kernelSize: Size2D(3, big), dilation: Size2D(1, 4))
                }, .overflow(member: "dilation")
            ),
            (
                { () throws(WindowShapeError) in
                    let o = try Conv2DOptions(inChannels: 1, outChannels: 1, kernelSize: Size2D(square: 5))
                    _ = try Conv2DGeometry(o, batch: 1, inputSize: Size2D(4, 9))
                }, .kernelLargerThanInput(dimension: "height", kernel: 5, paddedInput: 4)
            ),
            (
                { () throws(WindowShapeError) in
                    let o = try Conv2DOptions(inChannels: 1, outChannels: 1, kernelSize: Size2D(square: 3), dilation: Size2D(1, 3))
                    _ = try Conv2DGeometry(o, batch: 1, inputSize: Size2D(8, 6))
                }, .kernelLargerThanInput(dimension: "width", kernel: 7, paddedInput: 6)
            ),
            (
                { () throws(WindowShapeError) in
                    let o = try Conv2DOptions(inChannels: 1, outChannels: 1, kernelSize: Size2D(square: 3))
                    _ = try Conv2DGeometry(o, batch: -1, inputSize: Size2D(8, 8))
                }, .negative(member: "batch", value: -1)
            ),
            (
                { () throws(WindowShapeError) in
                    let o = try Conv2DOptions(inChannels: 1, outChannels: 1, kernelSize: Size2D(square: 3))
                    _ = try Conv2DGeometry(o, batch: 1, inputSize: Size2D(0, 8))
                }, .notPositive(member: "input", value: 0)
            ),
            (
                { () throws(WindowShapeError) in
                    let o = try Conv2DOptions(inChannels: 1, outChannels: 1, kernelSize: Size2D(square: 3), padding: Size2D(big, 0))
                    _ = try Conv2DGeometry(o, batch: 1, inputSize: Size2D(8, 8))
                }, .overflow(member: "padding")
            ),
            (
                { () throws(WindowShapeError) in
                    let o = try Conv2DOptions(inChannels: 1 << 20, outChannels: 1, kernelSize: Size2D(square: 1))
                    _ = try Conv2DGeometry(o, batch: 1 << 20, inputSize: Size2D(1 << 20, 1 << 20))
                }, .overflow(member: "input")
            ),
            (
                { () throws(WindowShapeError) in
                    // A 300×300 kernel on a 1×1 input padded by 1000: small tensors, absurd im2col rows.
                    let o = try Conv2DOptions(
                        inChannels: 1000, outChannels: 1, kernelSize: Size2D(square: 300), padding: Size2D(square: 1000))
                    _ = try Conv2DGeometry(o, batch: 1, inputSize: Size2D(1, 1))
                }, .columnsTooLarge(floats: 90_000_000 * 1702, limit: 1 << 26)
            )
        ]
        for (make, expected) in cases {
            #expect(throws: expected) { try make() }
        }
    }

    @Test("pooling options and geometries refuse hostile shapes with the member named")
    func poolingRefusals() {
        let cases: [(() throws(WindowShapeError) -> Void, WindowShapeError)] = [
            (
                { () throws(WindowShapeError) in _ = try Pool2DOptions(kernelSize: Size2D(square: 0)) },
                .notPositive(member: "kernel_size", value: 0)
            ),
            (
                { () throws(WindowShapeError) in _ = try Pool2DOptions(kernelSize: Size2D(square: 2), stride: Size2D(1, -1)) },
                .notPositive(member: "stride", value: -1)
            ),
            (
                { () throws(WindowShapeError) in _ = try Pool2DOptions(kernelSize: Size2D(square: 2), padding: Size2D(2, 0)) },
                .paddingTooLarge(padding: 2, kernel: 2)
            ),
            (
                { () throws(WindowShapeError) in _ = try Pool2DOptions(kernelSize: Size2D(square: 3), padding: Size2D(-1, 0)) },
                .negative(member: "padding", value: -1)
            ),
            (
                { () throws(WindowShapeError) in _ = try Pool2DOptions(kernelSize: Size2D(square: 2), dilation: Size2D(square: 0)) },
                .notPositive(member: "dilation", value: 0)
            ),
            (
                { () throws(WindowShapeError) in _ = try AveragePoolDivisor(divisorOverride: 0) },
                .notPositive(member: "divisor_override", value: 0)
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Pool2DGeometry(try Pool2DOptions(kernelSize: Size2D(square: 3)), planes: 1, inputSize: Size2D(2, 5))
                }, .kernelLargerThanInput(dimension: "height", kernel: 3, paddedInput: 2)
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Pool2DGeometry(try Pool2DOptions(kernelSize: Size2D(square: 2)), planes: 1, inputSize: Size2D(1 << 16, 1 << 16))
                }, .overflow(member: "input")
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Pool2DGeometry(try Pool2DOptions(kernelSize: Size2D(square: 2)), planes: big, inputSize: Size2D(4, 4))
                }, .overflow(member: "input")
            ),
            (
                { () throws(WindowShapeError) in
                    _ = try Pool2DGeometry(try Pool2DOptions(kernelSize: Size2D(square: 2)), planes: -3, inputSize: Size2D(4, 4))
                }, .negative(member: "batch", value: -3)
            )
        ]
        for (make, expected) in cases {
            #expect(throws: expected) { try make() }
        }
    }

    @Test("output sizes follow PyTorch's formulas, ceil mode included")
    func outputSizes() throws {
        let conv = try Conv2DOptions(
            inChannels: 1, outChannels: 1, kernelSize: Size2D(3, 2), stride: Size2D(2, 3), padding: Size2D(1, 2),
            dilation: Size2D(2, 1))
        #expect(try conv.outputSize(for: Size2D(9, 8)) == Size2D(4, 4))
        // ⌈(5 + 2 − 2) / 2⌉ + 1 = 4, but the last window would start at 6 ≥ 5 + 1: dropped.
        let ceil = try Pool2DOptions(kernelSize: Size2D(square: 2), stride: Size2D(square: 2), padding: Size2D(square: 1), ceilMode: true)
        #expect(try ceil.outputSize(for: Size2D(5, 6)) == Size2D(3, 4))
        #expect(try Pool2DOptions(kernelSize: Size2D(square: 2), ceilMode: true).outputSize(for: Size2D(7, 7)) == Size2D(4, 4))
        #expect(try Pool2DOptions(kernelSize: Size2D(square: 2)).outputSize(for: Size2D(7, 7)) == Size2D(3, 3))
    }
}
