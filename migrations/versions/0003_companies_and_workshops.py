"""companies and workshops (issue 3)

Revision ID: 5c64b714dd18
Revises: 502b5c56bca8
Create Date: 2026-11-21 20:14:23.223286

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c64b714dd18'
down_revision = '502b5c56bca8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_companies_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_companies')),
    sa.UniqueConstraint('public_id', name=op.f('uq_companies_public_id'))
    )
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_companies_owner_id'), ['owner_id'], unique=False)

    op.create_table('workshops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('reveal', sa.String(length=10), nullable=False),
    sa.Column('revealed', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('questionnaire_version', sa.String(length=40), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_workshops_company_id_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshops')),
    sa.UniqueConstraint('code', name=op.f('uq_workshops_code')),
    sa.UniqueConstraint('public_id', name=op.f('uq_workshops_public_id'))
    )
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshops_company_id'), ['company_id'], unique=False)

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workshop_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('participant_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('participant_role', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('company_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_assessments_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_workshop_id'), ['workshop_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_assessments_workshop_id_workshops'), 'workshops', ['workshop_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_assessments_company_id_companies'), 'companies', ['company_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_assessments_company_id_companies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_assessments_workshop_id_workshops'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_assessments_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_company_id'))
        batch_op.drop_column('company_id')
        batch_op.drop_column('participant_role')
        batch_op.drop_column('participant_name')
        batch_op.drop_column('workshop_id')

    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshops_company_id'))

    op.drop_table('workshops')
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_companies_owner_id'))

    op.drop_table('companies')
