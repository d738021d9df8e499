//go:build amd64

#include "textflag.h"

// Matrix-vector kernels for gemv (see gemv.go): the matrix is streamed once,
// straight from the caller's memory, without packing.

// func sdot4AVX512(k int, x, m *float32, ldm int, y *float32)
// Sets y[r] = Σ_p x[p]·m[r·ldm+p] for the four rows r < 4; k must be a
// multiple of 16. Each row keeps one vector accumulator; x is loaded
// once per 16 columns and serves all four rows.
TEXT ·sdot4AVX512(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ m+16(FP), R10
	MOVQ ldm+24(FP), DX
	SHLQ $2, DX
	LEAQ (R10)(DX*1), R11
	LEAQ (R11)(DX*1), R12
	LEAQ (R12)(DX*1), R13
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	XORQ AX, AX // byte offset into x and the rows
	SHLQ $2, CX // k in bytes
loop:
	CMPQ AX, CX
	JGE reduce
	VMOVUPS (SI)(AX*1), Z4
	VFMADD231PS (R10)(AX*1), Z4, Z0
	VFMADD231PS (R11)(AX*1), Z4, Z1
	VFMADD231PS (R12)(AX*1), Z4, Z2
	VFMADD231PS (R13)(AX*1), Z4, Z3
	ADDQ $64, AX
	JMP loop
reduce: // horizontal sums of the four accumulators
	MOVQ y+32(FP), DI
	VEXTRACTF32X8 $1, Z0, Y5
	VADDPS Y5, Y0, Y0
	VEXTRACTF128 $1, Y0, X5
	VADDPS X5, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VMOVSS X0, 0(DI)
	VEXTRACTF32X8 $1, Z1, Y5
	VADDPS Y5, Y1, Y1
	VEXTRACTF128 $1, Y1, X5
	VADDPS X5, X1, X1
	VHADDPS X1, X1, X1
	VHADDPS X1, X1, X1
	VMOVSS X1, 4(DI)
	VEXTRACTF32X8 $1, Z2, Y5
	VADDPS Y5, Y2, Y2
	VEXTRACTF128 $1, Y2, X5
	VADDPS X5, X2, X2
	VHADDPS X2, X2, X2
	VHADDPS X2, X2, X2
	VMOVSS X2, 8(DI)
	VEXTRACTF32X8 $1, Z3, Y5
	VADDPS Y5, Y3, Y3
	VEXTRACTF128 $1, Y3, X5
	VADDPS X5, X3, X3
	VHADDPS X3, X3, X3
	VHADDPS X3, X3, X3
	VMOVSS X3, 12(DI)
	VZEROUPPER
	RET

// func ddot4AVX512(k int, x, m *float64, ldm int, y *float64)
// Sets y[r] = Σ_p x[p]·m[r·ldm+p] for the four rows r < 4; k must be a
// multiple of 8. Each row keeps one vector accumulator; x is loaded
// once per 8 columns and serves all four rows.
TEXT ·ddot4AVX512(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ m+16(FP), R10
	MOVQ ldm+24(FP), DX
	SHLQ $3, DX
	LEAQ (R10)(DX*1), R11
	LEAQ (R11)(DX*1), R12
	LEAQ (R12)(DX*1), R13
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	XORQ AX, AX // byte offset into x and the rows
	SHLQ $3, CX // k in bytes
loop:
	CMPQ AX, CX
	JGE reduce
	VMOVUPD (SI)(AX*1), Z4
	VFMADD231PD (R10)(AX*1), Z4, Z0
	VFMADD231PD (R11)(AX*1), Z4, Z1
	VFMADD231PD (R12)(AX*1), Z4, Z2
	VFMADD231PD (R13)(AX*1), Z4, Z3
	ADDQ $64, AX
	JMP loop
reduce: // horizontal sums of the four accumulators
	MOVQ y+32(FP), DI
	VEXTRACTF64X4 $1, Z0, Y5
	VADDPD Y5, Y0, Y0
	VEXTRACTF128 $1, Y0, X5
	VADDPD X5, X0, X0
	VHADDPD X0, X0, X0
	VMOVSD X0, 0(DI)
	VEXTRACTF64X4 $1, Z1, Y5
	VADDPD Y5, Y1, Y1
	VEXTRACTF128 $1, Y1, X5
	VADDPD X5, X1, X1
	VHADDPD X1, X1, X1
	VMOVSD X1, 8(DI)
	VEXTRACTF64X4 $1, Z2, Y5
	VADDPD Y5, Y2, Y2
	VEXTRACTF128 $1, Y2, X5
	VADDPD X5, X2, X2
	VHADDPD X2, X2, X2
	VMOVSD X2, 16(DI)
	VEXTRACTF64X4 $1, Z3, Y5
	VADDPD Y5, Y3, Y3
	VEXTRACTF128 $1, Y3, X5
	VADDPD X5, X3, X3
	VHADDPD X3, X3, X3
	VMOVSD X3, 24(DI)
	VZEROUPPER
	RET

// func sdot4AVX2(k int, x, m *float32, ldm int, y *float32)
// Sets y[r] = Σ_p x[p]·m[r·ldm+p] for the four rows r < 4; k must be a
// multiple of 8. Each row keeps one vector accumulator; x is loaded
// once per 8 columns and serves all four rows.
TEXT ·sdot4AVX2(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ m+16(FP), R10
	MOVQ ldm+24(FP), DX
	SHLQ $2, DX
	LEAQ (R10)(DX*1), R11
	LEAQ (R11)(DX*1), R12
	LEAQ (R12)(DX*1), R13
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	XORQ AX, AX // byte offset into x and the rows
	SHLQ $2, CX // k in bytes
loop:
	CMPQ AX, CX
	JGE reduce
	VMOVUPS (SI)(AX*1), Y4
	VFMADD231PS (R10)(AX*1), Y4, Y0
	VFMADD231PS (R11)(AX*1), Y4, Y1
	VFMADD231PS (R12)(AX*1), Y4, Y2
	VFMADD231PS (R13)(AX*1), Y4, Y3
	ADDQ $32, AX
	JMP loop
reduce: // horizontal sums of the four accumulators
	MOVQ y+32(FP), DI
	VEXTRACTF128 $1, Y0, X5
	VADDPS X5, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VMOVSS X0, 0(DI)
	VEXTRACTF128 $1, Y1, X5
	VADDPS X5, X1, X1
	VHADDPS X1, X1, X1
	VHADDPS X1, X1, X1
	VMOVSS X1, 4(DI)
	VEXTRACTF128 $1, Y2, X5
	VADDPS X5, X2, X2
	VHADDPS X2, X2, X2
	VHADDPS X2, X2, X2
	VMOVSS X2, 8(DI)
	VEXTRACTF128 $1, Y3, X5
	VADDPS X5, X3, X3
	VHADDPS X3, X3, X3
	VHADDPS X3, X3, X3
	VMOVSS X3, 12(DI)
	VZEROUPPER
	RET

// func ddot4AVX2(k int, x, m *float64, ldm int, y *float64)
// Sets y[r] = Σ_p x[p]·m[r·ldm+p] for the four rows r < 4; k must be a
// multiple of 4. Each row keeps one vector accumulator; x is loaded
// once per 4 columns and serves all four rows.
TEXT ·ddot4AVX2(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ m+16(FP), R10
	MOVQ ldm+24(FP), DX
	SHLQ $3, DX
	LEAQ (R10)(DX*1), R11
	LEAQ (R11)(DX*1), R12
	LEAQ (R12)(DX*1), R13
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	XORQ AX, AX // byte offset into x and the rows
	SHLQ $3, CX // k in bytes
loop:
	CMPQ AX, CX
	JGE reduce
	VMOVUPD (SI)(AX*1), Y4
	VFMADD231PD (R10)(AX*1), Y4, Y0
	VFMADD231PD (R11)(AX*1), Y4, Y1
	VFMADD231PD (R12)(AX*1), Y4, Y2
	VFMADD231PD (R13)(AX*1), Y4, Y3
	ADDQ $32, AX
	JMP loop
reduce: // horizontal sums of the four accumulators
	MOVQ y+32(FP), DI
	VEXTRACTF128 $1, Y0, X5
	VADDPD X5, X0, X0
	VHADDPD X0, X0, X0
	VMOVSD X0, 0(DI)
	VEXTRACTF128 $1, Y1, X5
	VADDPD X5, X1, X1
	VHADDPD X1, X1, X1
	VMOVSD X1, 8(DI)
	VEXTRACTF128 $1, Y2, X5
	VADDPD X5, X2, X2
	VHADDPD X2, X2, X2
	VMOVSD X2, 16(DI)
	VEXTRACTF128 $1, Y3, X5
	VADDPD X5, X3, X3
	VHADDPD X3, X3, X3
	VMOVSD X3, 24(DI)
	VZEROUPPER
	RET

// func saxpyColsAVX512(k int, x, m *float32, ldm int, y *float32)
// Sets y[j] = Σ_p x[p]·m[p·ldm+j] for the 128 columns j < 128: 8 vector
// accumulators, one broadcast of x[p] per row of m.
TEXT ·saxpyColsAVX512(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ m+16(FP), R10
	MOVQ ldm+24(FP), DX
	SHLQ $2, DX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
loop:
	TESTQ CX, CX
	JEQ store
	VBROADCASTSS (SI), Z8
	VFMADD231PS 0(R10), Z8, Z0
	VFMADD231PS 64(R10), Z8, Z1
	VFMADD231PS 128(R10), Z8, Z2
	VFMADD231PS 192(R10), Z8, Z3
	VFMADD231PS 256(R10), Z8, Z4
	VFMADD231PS 320(R10), Z8, Z5
	VFMADD231PS 384(R10), Z8, Z6
	VFMADD231PS 448(R10), Z8, Z7
	ADDQ $4, SI
	ADDQ DX, R10
	DECQ CX
	JMP loop
store:
	MOVQ y+32(FP), DI
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	VMOVUPS Z4, 256(DI)
	VMOVUPS Z5, 320(DI)
	VMOVUPS Z6, 384(DI)
	VMOVUPS Z7, 448(DI)
	VZEROUPPER
	RET

// func daxpyColsAVX512(k int, x, m *float64, ldm int, y *float64)
// Sets y[j] = Σ_p x[p]·m[p·ldm+j] for the 64 columns j < 64: 8 vector
// accumulators, one broadcast of x[p] per row of m.
TEXT ·daxpyColsAVX512(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ m+16(FP), R10
	MOVQ ldm+24(FP), DX
	SHLQ $3, DX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
loop:
	TESTQ CX, CX
	JEQ store
	VBROADCASTSD (SI), Z8
	VFMADD231PD 0(R10), Z8, Z0
	VFMADD231PD 64(R10), Z8, Z1
	VFMADD231PD 128(R10), Z8, Z2
	VFMADD231PD 192(R10), Z8, Z3
	VFMADD231PD 256(R10), Z8, Z4
	VFMADD231PD 320(R10), Z8, Z5
	VFMADD231PD 384(R10), Z8, Z6
	VFMADD231PD 448(R10), Z8, Z7
	ADDQ $8, SI
	ADDQ DX, R10
	DECQ CX
	JMP loop
store:
	MOVQ y+32(FP), DI
	VMOVUPD Z0, 0(DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	VMOVUPD Z4, 256(DI)
	VMOVUPD Z5, 320(DI)
	VMOVUPD Z6, 384(DI)
	VMOVUPD Z7, 448(DI)
	VZEROUPPER
	RET

// func saxpyColsAVX2(k int, x, m *float32, ldm int, y *float32)
// Sets y[j] = Σ_p x[p]·m[p·ldm+j] for the 64 columns j < 64: 8 vector
// accumulators, one broadcast of x[p] per row of m.
TEXT ·saxpyColsAVX2(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ m+16(FP), R10
	MOVQ ldm+24(FP), DX
	SHLQ $2, DX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
loop:
	TESTQ CX, CX
	JEQ store
	VBROADCASTSS (SI), Y8
	VFMADD231PS 0(R10), Y8, Y0
	VFMADD231PS 32(R10), Y8, Y1
	VFMADD231PS 64(R10), Y8, Y2
	VFMADD231PS 96(R10), Y8, Y3
	VFMADD231PS 128(R10), Y8, Y4
	VFMADD231PS 160(R10), Y8, Y5
	VFMADD231PS 192(R10), Y8, Y6
	VFMADD231PS 224(R10), Y8, Y7
	ADDQ $4, SI
	ADDQ DX, R10
	DECQ CX
	JMP loop
store:
	MOVQ y+32(FP), DI
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VZEROUPPER
	RET

// func daxpyColsAVX2(k int, x, m *float64, ldm int, y *float64)
// Sets y[j] = Σ_p x[p]·m[p·ldm+j] for the 32 columns j < 32: 8 vector
// accumulators, one broadcast of x[p] per row of m.
TEXT ·daxpyColsAVX2(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ m+16(FP), R10
	MOVQ ldm+24(FP), DX
	SHLQ $3, DX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
loop:
	TESTQ CX, CX
	JEQ store
	VBROADCASTSD (SI), Y8
	VFMADD231PD 0(R10), Y8, Y0
	VFMADD231PD 32(R10), Y8, Y1
	VFMADD231PD 64(R10), Y8, Y2
	VFMADD231PD 96(R10), Y8, Y3
	VFMADD231PD 128(R10), Y8, Y4
	VFMADD231PD 160(R10), Y8, Y5
	VFMADD231PD 192(R10), Y8, Y6
	VFMADD231PD 224(R10), Y8, Y7
	ADDQ $8, SI
	ADDQ DX, R10
	DECQ CX
	JMP loop
store:
	MOVQ y+32(FP), DI
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VMOVUPD Y4, 128(DI)
	VMOVUPD Y5, 160(DI)
	VMOVUPD Y6, 192(DI)
	VMOVUPD Y7, 224(DI)
	VZEROUPPER
	RET
