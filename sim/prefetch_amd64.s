#include "textflag.h"

// func prefetchAt(base unsafe.Pointer, shift uint64, js *int32, n int)
TEXT ·prefetchAt(SB), NOSPLIT, $0-32
	MOVQ base+0(FP), AX
	MOVQ shift+8(FP), CX
	MOVQ js+16(FP), SI
	MOVQ n+24(FP), DX
	TESTQ DX, DX
	JLE done
loop:
	MOVLQSX (SI), BX
	SHLQ CX, BX
	PREFETCHT0 (AX)(BX*1)
	ADDQ $4, SI
	DECQ DX
	JNZ loop
done:
	RET
