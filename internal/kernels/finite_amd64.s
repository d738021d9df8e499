//go:build amd64

#include "textflag.h"

// func allFiniteAVX2(n int, x *float32) bool
// Whether x[i] is finite for every i < n, n a multiple of 32: each lane's
// exponent field is compared with all ones and the matches ORed together,
// four independent 8-lane streams per step. Hand-written (not from _asmgen).
TEXT ·allFiniteAVX2(SB), NOSPLIT, $0-17
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVL $0x7f800000, AX
	MOVQ AX, X0
	VPBROADCASTD X0, Y0 // exponent mask
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
loop:
	TESTQ CX, CX
	JEQ done
	VPAND (SI), Y0, Y5
	VPAND 32(SI), Y0, Y6
	VPAND 64(SI), Y0, Y7
	VPAND 96(SI), Y0, Y8
	VPCMPEQD Y0, Y5, Y5
	VPCMPEQD Y0, Y6, Y6
	VPCMPEQD Y0, Y7, Y7
	VPCMPEQD Y0, Y8, Y8
	VPOR Y5, Y1, Y1
	VPOR Y6, Y2, Y2
	VPOR Y7, Y3, Y3
	VPOR Y8, Y4, Y4
	ADDQ $128, SI
	SUBQ $32, CX
	JMP loop
done:
	VPOR Y2, Y1, Y1
	VPOR Y4, Y3, Y3
	VPOR Y3, Y1, Y1
	VPTEST Y1, Y1
	SETEQ ret+16(FP)
	VZEROUPPER
	RET
