"""promotions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 02:02:23.393665
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coupons',
    sa.Column('key', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('threshold', sa.BigInteger(), nullable=False),
    sa.Column('cap', sa.BigInteger(), nullable=True),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('scope_items', sa.JSON(), nullable=False),
    sa.Column('claim_starts_at', sa.DateTime(), nullable=False),
    sa.Column('claim_ends_at', sa.DateTime(), nullable=False),
    sa.Column('use_mode', sa.String(length=12), nullable=False),
    sa.Column('use_starts_at', sa.DateTime(), nullable=True),
    sa.Column('use_ends_at', sa.DateTime(), nullable=True),
    sa.Column('use_days', sa.Integer(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('per_user', sa.Integer(), nullable=False),
    sa.Column('per_user_per_day', sa.Integer(), nullable=True),
    sa.Column('obtain', sa.String(length=12), nullable=False),
    sa.Column('redeem_code', sa.String(length=32), nullable=True),
    sa.Column('stack_coupons', sa.Boolean(), nullable=False),
    sa.Column('stack_campaigns', sa.Boolean(), nullable=False),
    sa.Column('loss_leader', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_coupons_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupons')),
    sa.UniqueConstraint('shop_id', 'key', name=op.f('uq_coupons_shop_id_key'))
    )
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupons_shop_id'), ['shop_id'], unique=False)

    op.create_table('campaigns',
    sa.Column('key', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=30), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('sku_prices', sa.JSON(), nullable=False),
    sa.Column('leader_prices', sa.JSON(), nullable=False),
    sa.Column('sku_stock', sa.JSON(), nullable=False),
    sa.Column('per_user_limit', sa.Integer(), nullable=True),
    sa.Column('per_order_limit', sa.Integer(), nullable=True),
    sa.Column('loss_leader', sa.Boolean(), nullable=False),
    sa.Column('allow_overlap', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_campaigns_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_campaigns_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('shop_id', 'key', name=op.f('uq_campaigns_shop_id_key'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_shop_id'), ['shop_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_shop_id'))
        batch_op.drop_index(batch_op.f('ix_campaigns_product_id'))

    op.drop_table('campaigns')
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coupons_shop_id'))

    op.drop_table('coupons')
